# Written for provider 2.x, with repeated blocks.

resource "launchdarkly_webhook" "staging" {
  url  = "https://hooks.example.com/staging"
  name = "Staging"

  statements {
    effect    = "allow"
    actions   = ["*"]
    resources = ["proj/*:env/staging:flag/*", "proj/*:env/staging:segment/*"]
  }

  statements {
    effect      = "deny"
    not_actions = ["updateOn", "updateOff"]
    resources   = ["proj/*:env/staging:flag/*"]
  }
}

resource "launchdarkly_custom_role" "testers" {
  key  = "testers"
  name = "Testers"

  policy_statements {
    effect    = "allow"
    actions   = ["updateOn", "updateTargets"]
    resources = ["proj/$${roleAttribute/projects}:env/test:flag/*"]
  }

  policy_statements {
    effect        = "deny"
    actions       = ["*"]
    not_resources = ["proj/*:env/test:flag/*", "proj/*:env/test"]
  }
}

resource "launchdarkly_team" "qa" {
  key              = "qa"
  name             = "QA"
  custom_role_keys = ["testers"]

  role_attributes {
    key    = "projects"
    values = ["mobile", "web-*"]
  }
}
