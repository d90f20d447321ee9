terraform {
  required_providers {
    launchdarkly = {
      source  = "launchdarkly/launchdarkly"
      version = "~> 3.1"
    }
  }
}

variable "hook_url" {
  type        = string
  description = "Where the production webhook posts. Not a policy value: never read."
}

# Every change to a flag in production, but its deletion.
resource "launchdarkly_webhook" "prod_flags" {
  url  = var.hook_url
  name = "Production flag changes"
  on   = true

  statements = [
    {
      effect    = "allow"
      actions   = ["*"]
      resources = ["proj/*:env/production:flag/*"]
    },
    {
      effect    = "deny"
      actions   = ["deleteFlag"]
      resources = ["proj/*:env/*:flag/*"]
    },
  ]
}

# No policy filter: the webhook receives every event.
resource "launchdarkly_webhook" "audit" {
  url = "https://audit.example.com/launchdarkly"
}
