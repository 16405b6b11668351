from django.apps import AppConfig


class SupportPlansConfig(AppConfig):
    name = "tsunagu.support_plans"
    label = "support_plans"
    verbose_name = "支援プラン"

    def ready(self) -> None:
        from tsunagu.support_plans import jobs, records, signals  # noqa: F401  (jobs and receivers register)

        records.register()
        from tsunagu.collaboration import plan_seam
        from tsunagu.support_plans import selectors, services

        plan_seam.install(
            decision_problems=services.decision_problems,
            approve_for_case_decision=services.approve_for_case_decision,
            next_version_for_case=services.next_version_for_case,
            evaluation_missing=services.evaluation_missing,
            plans_of_case=selectors.plans_of_case,
        )
