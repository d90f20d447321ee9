variable "project" {
  type = string
}

locals {
  actions = ["updateOn"]
}

resource "launchdarkly_webhook" "per_project" {
  url = "https://hooks.example.com/p"
  statements = [
    {
      effect    = "allow"
      actions   = ["*"]
      resources = ["proj/${var.project}:env/production:flag/*"]
    },
  ]
}

resource "launchdarkly_custom_role" "togglers" {
  key  = "togglers"
  name = "Togglers"
  policy_statements {
    effect    = "allow"
    actions   = local.actions
    resources = ["proj/*:env/*:flag/*"]
  }
}

resource "launchdarkly_custom_role" "generated" {
  key = "generated"
  name = "Generated"
  policy_statements_json = jsonencode([for p in ["a", "b"] : {
    effect = "allow", actions = ["*"], resources = ["proj/${p}"]
  }])
}

resource "launchdarkly_custom_role" "templated" {
  key                    = "templated"
  name                   = "Templated"
  policy_statements_json = templatefile("policy.tftpl", { project = "x" })
}

resource "launchdarkly_team_role_mapping" "from_data" {
  team_key         = "from-data"
  custom_role_keys = [data.launchdarkly_team.t.key]
}

resource "launchdarkly_custom_role" "dynamic" {
  key  = "dynamic"
  name = "Dynamic"
  dynamic "policy_statements" {
    for_each = ["a"]
    content {
      effect    = "allow"
      actions   = ["*"]
      resources = ["proj/${policy_statements.value}"]
    }
  }
}

# Literal everywhere: read.
resource "launchdarkly_webhook" "fine" {
  url = var.project
  statements = [{ effect = "allow", actions = ["*"], resources = ["proj/*"] }]
}
