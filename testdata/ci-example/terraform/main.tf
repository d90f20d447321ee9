# The webhooks, custom roles and teams of ../policies, managed with
# LaunchDarkly's Terraform provider instead of the REST API.

terraform {
  required_providers {
    launchdarkly = {
      source  = "launchdarkly/launchdarkly"
      version = "~> 3.0"
    }
  }
}

variable "production_hook_url" {
  type        = string
  description = "Where the production webhook delivers. Not part of its policy."
}

# Production flag changes, except deletions.
resource "launchdarkly_webhook" "production_flags" {
  name = "Production flag changes"
  url  = var.production_hook_url
  on   = true
  statements = [
    { effect = "allow", actions = ["*"], resources = ["proj/*:env/production:flag/*"] },
    { effect = "deny", actions = ["deleteFlag"], resources = ["proj/*:env/*:flag/*"] },
  ]
}

# Turn flags on and off in every environment, and nothing else; a member
# of the release team holds it.
resource "launchdarkly_custom_role" "release_managers" {
  key              = "release-managers"
  name             = "Release managers"
  description      = "Turn flags on and off in every environment, and nothing else."
  base_permissions = "no_access"
  policy_statements = [
    { effect = "allow", actions = ["updateOn", "updateFallthrough", "updateOffVariation"], resources = ["proj/*:env/*:flag/*"] },
    { effect = "deny", actions = ["*"], resources = ["proj/*:env/production;regulated:flag/*"] },
  ]
}

resource "launchdarkly_team_role_mapping" "release" {
  team_key         = "release"
  custom_role_keys = [launchdarkly_custom_role.release_managers.key]
}
