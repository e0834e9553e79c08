"""Schedules follow each connection's setting; the command prints counts by kind."""

from __future__ import annotations

from datetime import UTC, datetime, time
from io import StringIO

import pytest
from django.core.management import call_command
from django_q.models import Schedule

from reports.models import ReconciliationSetting
from reports.services import next_local_run, schedule_name
from tests.reports.helpers import backfilled


def test_a_new_connection_gets_a_daily_schedule_at_two_in_the_morning_local(connection):
    schedule = Schedule.objects.get(name=schedule_name(connection))
    assert schedule.func == "reports.tasks.reconcile_task"
    assert schedule.schedule_type == Schedule.DAILY
    local = schedule.next_run.astimezone(connection.zone)
    assert (local.hour, local.minute) == (2, 0)


def test_changing_the_setting_moves_the_schedule_and_off_removes_it(connection):
    setting = ReconciliationSetting.objects.get(connection=connection)
    setting.frequency, setting.weekday, setting.at = "weekly", 4, time(18, 30)
    setting.save()
    schedule = Schedule.objects.get(name=schedule_name(connection))
    local = schedule.next_run.astimezone(connection.zone)
    assert schedule.schedule_type == Schedule.WEEKLY
    assert (local.weekday(), local.hour, local.minute) == (4, 18, 30)
    setting.frequency = "off"
    setting.save()
    assert not Schedule.objects.filter(name=schedule_name(connection)).exists()
    connection.delete()


def test_the_next_local_run_keeps_the_wall_time_across_daylight_saving(connection):
    setting = ReconciliationSetting.objects.get(connection=connection)
    # Sydney leaves daylight saving on the first Sunday of April 2026 (5 April).
    before = datetime(2026, 4, 4, 17, 0, tzinfo=UTC)  # 4 am local on 5 April, after 2 am
    after = next_local_run(setting, before).astimezone(connection.zone)
    assert (after.day, after.hour) == (6, 2)


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_the_reconcile_command_prints_counts_by_kind(live):
    backfilled(live)
    out = StringIO()
    call_command("reconcile", live.connection.name, stdout=out)
    text = out.getvalue()
    assert f"of {live.connection.name}: ok" in text
    assert "Field drift" in text and "Total" in text
