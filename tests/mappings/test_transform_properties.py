"""Property-based tests: transforms never crash, whatever Cliniko sends."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mappings.transforms import TRANSFORMS
from mappings.transforms.addresses import join_lines, split_lines
from mappings.transforms.times import grid_bounds, local_text, parse_utc
from tests.mappings.helpers import run

scalars = st.one_of(
    st.none(), st.text(), st.just(""), st.integers(min_value=-(10**19), max_value=10**19),
    st.integers(min_value=10**18, max_value=10**19 - 1).map(str),  # 19-digit ids
    st.booleans(), st.floats(allow_nan=True),
    st.text(alphabet="+0123456789 ()-.ext#*", max_size=30),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3),
                   st.dictionaries(st.text(max_size=5), scalars, max_size=3))

# Parameters that make each transform runnable.
REQUIRED = {
    "constant": {"value": "x"},
    "template": {"template": "{a} — {b}", "names": ["a", "b"]},
    "lookup": {"table": "invoice_status"},
}


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(sorted(TRANSFORMS)), inputs=st.lists(values, max_size=7))
def test_it_never_raises_for_any_transform_and_any_input(name: str, inputs: list) -> None:
    spec = TRANSFORMS[name]
    inputs = inputs[: spec.max_inputs] if spec.max_inputs is not None else inputs
    inputs += [None] * max(0, spec.min_inputs - len(inputs))
    run(name, inputs, REQUIRED.get(name), {"time_zone": "Australia/Adelaide"})


names = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


@settings(max_examples=60, deadline=None)
@given(first=st.one_of(st.none(), names), last=st.one_of(st.none(), names))
def test_it_composes_unicode_names_without_stray_spaces(first, last) -> None:
    result, problems = run("compose_name", [first, last], {"default": "Unknown"})
    assert result == result.strip() and "  " not in result
    assert problems == []
    if not (first or "").split() and not (last or "").split():
        assert result == "Unknown"


phone_like = st.text(alphabet="+0123456789 ()-./xX", max_size=25)


@settings(max_examples=80, deadline=None)
@given(number=phone_like,
       phone_type=st.sampled_from(["Mobile", "Home", "Work", "Fax", "Other", ""]))
def test_it_reports_every_phone_it_cannot_format_and_never_drops_one_silently(number, phone_type):
    entry = {"phone_type": phone_type, "number": number, "normalized_number": None}
    items, problems = run("phone_contact_items", [[entry]], {"invalid": "omit"})
    if number.strip():
        assert len(items) + len(problems) == 1
    for item in items:
        assert item["contactValue"].startswith("+")


@settings(max_examples=60, deadline=None)
@given(number=phone_like)
def test_it_keeps_invalid_phones_as_typed_when_configured(number) -> None:
    result, problems = run("phone", [number], {"invalid": "keep_raw"})
    if problems:
        assert result == " ".join(number.split())


LINE_BREAKS = ",\r\n\x1c\x1d\x1e\x85\u2028\u2029"
line = st.text(alphabet=st.characters(codec="utf-8", exclude_characters=LINE_BREAKS),
               min_size=1, max_size=30).map(lambda s: " ".join(s.split())).filter(bool)


@settings(max_examples=80, deadline=None)
@given(lines=st.lists(line, min_size=1, max_size=4))
def test_it_round_trips_address_lines_through_one_field(lines) -> None:
    assert split_lines(join_lines(lines)) == lines


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(st.one_of(st.none(), st.just(""), line), max_size=3))
def test_it_folds_three_cliniko_lines_into_two_without_losing_text(lines) -> None:
    padded = (lines + [None] * 3)[:3]
    result, _ = run("address_to_fergus", [*padded, None, None, None, None])
    kept = [v for v in padded if v and v.strip()]
    if not kept:
        assert result is None
    else:
        joined = join_lines([result.get("address1"), result.get("address2")])
        assert split_lines(joined) == split_lines(join_lines(kept))


ZONES = ["Australia/Sydney", "Australia/Brisbane", "Australia/Adelaide"]
instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31),
                        timezones=st.just(UTC))


@settings(max_examples=120, deadline=None)
@given(start=instants, minutes=st.integers(min_value=0, max_value=600))
def test_it_snaps_any_interval_onto_the_grid_with_positive_length(start, minutes) -> None:
    snapped_start, snapped_end = grid_bounds(start, start + timedelta(minutes=minutes), 15)
    assert snapped_start <= start and snapped_end >= start + timedelta(minutes=minutes)
    assert snapped_end > snapped_start
    for dt in (snapped_start, snapped_end):
        assert dt.minute % 15 == 0 and dt.second == 0 and dt.microsecond == 0


@settings(max_examples=120, deadline=None)
@given(start=instants, zone=st.sampled_from(ZONES))
def test_it_keeps_grid_marks_on_grid_marks_in_every_australian_zone(start, zone) -> None:
    snapped, _ = grid_bounds(start, None, 15)
    local = snapped.astimezone(zoneinfo.ZoneInfo(zone))
    assert local.minute % 15 == 0  # +9:30 Adelaide included


def _dst_instants() -> list[datetime]:
    """Instants around every changeover (and leap days) 2020-2032, in UTC."""
    result = []
    for zone_name in ZONES:
        zone = zoneinfo.ZoneInfo(zone_name)
        t = datetime(2020, 1, 1, tzinfo=UTC)
        while t.year < 2032:
            nxt = t + timedelta(hours=1)
            if t.astimezone(zone).utcoffset() != nxt.astimezone(zone).utcoffset():
                result += [nxt - timedelta(minutes=1), nxt, nxt + timedelta(minutes=1)]
            t = nxt
    for year in (2020, 2024, 2028):
        result.append(datetime(year, 2, 28, 13, 30, tzinfo=UTC))  # 29 Feb local, east coast
    return result


DST_INSTANTS = _dst_instants()


def test_it_found_the_changeovers_it_claims_to_test() -> None:
    # Sydney and Adelaide change twice a year over 12 years; Brisbane never.
    assert len(DST_INSTANTS) == 2 * 2 * 12 * 3 + 3


@settings(max_examples=150, deadline=None)
@given(at=st.sampled_from(DST_INSTANTS), zone=st.sampled_from(ZONES),
       length=st.integers(min_value=0, max_value=180))
def test_it_renders_local_times_across_dst_changeovers_and_leap_days(at, zone, length) -> None:
    end = at + timedelta(minutes=length)
    text = local_text(at, end, zoneinfo.ZoneInfo(zone), "range")
    local = at.astimezone(zoneinfo.ZoneInfo(zone))
    assert str(local.day) in text and local.strftime("%b") in text
    result, problems = run("grid_start", [at.strftime("%Y-%m-%dT%H:%M:%SZ")])
    assert problems == [] and parse_utc(result) <= at


@settings(max_examples=60, deadline=None)
@given(amount=st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False),
       quantity=st.integers(min_value=1, max_value=50))
def test_it_keeps_the_line_items_subtotal_equal_to_the_cliniko_net(amount, quantity) -> None:
    item = {"name": "Visit", "quantity": f"{quantity}.0", "net_price": str(amount),
            "tax_rate": "10.0"}
    lines, problems = run("invoice_line_items", [[item]])
    assert problems == []
    assert sum(line["itemQuantity"] * line["itemPrice"] for line in lines) == amount
