resource "launchdarkly_team_role_mapping" "payments" {
  team_key = "payments"
  custom_role_keys = [
    launchdarkly_custom_role.shared.key,
    "ops",
  ]
  role_attributes = {
    domain = ["payments", "billing-*"]
  }
}

# The role is managed outside this module: its policy is not known here.
resource "launchdarkly_team_role_mapping" "contractors" {
  team_key         = "contractors"
  custom_role_keys = ["contractor-access", launchdarkly_custom_role.flag_editors.key]
}
