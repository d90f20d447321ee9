# Toggles and targeting in the mobile project, never in a critical
# environment, and nothing else: no base permissions.
resource "launchdarkly_custom_role" "flag_editors" {
  key              = "flag-editors"
  name             = "Mobile flag editors"
  base_permissions = "no_access"

  policy_statements = [
    {
      effect    = "allow"
      actions   = ["updateOn", "updateTargets", "updateRules"]
      resources = ["proj/mobile:env/*:flag/*"]
    },
    {
      effect    = "deny"
      actions   = ["*"]
      resources = ["proj/*:env/*;{critical:true}:flag/*"]
    },
    {
      effect        = "allow"
      not_actions   = ["delete*"]
      not_resources = ["proj/*:env/*:flag/*", "proj/*:env/*"]
    },
  ]
}

# One role for every team that maintains a domain: the team's role
# attributes say which projects (by tag) are the domain's.
resource "launchdarkly_custom_role" "shared" {
  key  = "domain-maintainer"
  name = "Domain maintainer"

  policy_statements_json = jsonencode([
    {
      effect    = "allow"
      actions   = ["*"]
      resources = ["proj/*;$${roleAttribute/domain}:env/*:flag/*"]
    },
    {
      effect      = "deny"
      not_actions = ["updateOn", "view*"]
      resources   = ["proj/*;$${roleAttribute/domain}:env/production:flag/*"]
    }
  ])
}

resource "launchdarkly_custom_role" "release_managers" {
  key              = "release-managers"
  name             = "Release managers"
  base_permissions = "reader"

  policy_statements_json = <<-EOT
    [
      {
        "effect": "allow",
        "actions": ["createFlag", "updateName", "updateOn"],
        "resources": ["proj/$${roleAttribute/projects}:env/*:flag/*"]
      },
      {
        "effect": "deny",
        "actions": ["updateOn"],
        "resources": ["proj/*:env/production:flag/*;release-frozen"]
      }
    ]
  EOT
}

resource "launchdarkly_custom_role" "ops" {
  key                    = "ops"
  name                   = "Operations"
  policy_statements_json = file("${path.module}/policies/ops.json")
}
