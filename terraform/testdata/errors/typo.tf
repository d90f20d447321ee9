# The ":/flag/" typo of LaunchDarkly's own API examples, in every form
# that a policy takes in Terraform.

resource "launchdarkly_webhook" "qa" {
  url = "https://hooks.example.com/qa"
  statements = [
    {
      effect    = "allow"
      actions   = ["*"]
      resources = ["proj/*:env/*;qa_*:/flag/*"]
    },
  ]
}

resource "launchdarkly_custom_role" "encoded" {
  key = "encoded"
  name = "Escapes before the typo"
  policy_statements_json = jsonencode([{
    effect    = "allow"
    actions   = ["*"]
    resources = ["proj/$${roleAttribute/p}:env/\"x\":/flag/*"]
  }])
}

resource "launchdarkly_custom_role" "heredoc" {
  key  = "heredoc"
  name = "A heredoc"
  policy_statements_json = <<-EOT
      [{"effect": "allow", "actions": ["*"],
        "resources": ["proj/\u0078:env/*:/segment/*"]}]
  EOT
}

resource "launchdarkly_webhook" "blocks" {
  url = "https://hooks.example.com/blocks"
  statements {
    effect    = "allow"
    actions   = ["*"]
    resources = ["proj/*:env/*:/flag/*"]
  }
}
