"""The support plans' background job: monitoring dates coming and roles past their period (``follow_up.remind``)."""

from datetime import time

from tsunagu.notifications.schedule import Job, register
from tsunagu.support_plans.follow_up import remind

register(Job("plan_reminders", remind, daily_at=time(6, 10),
             description="支援プランのモニタリング予定日と期間を過ぎた役割分担を知らせる"))  # fmt: skip
