"""Money (Decimal, never float) and GST arithmetic for invoice → Charge Up job.

Fergus line items carry no tax: tax is invoice-level, `taxValue =
round(subtotal × taxRate / 100, 2)` (fergus-api §7.8, §9). A Cliniko invoice
reproduces in Fergus only when every item carries the same GST rate as the
Fergus company; `gst_check` says so when it does not, naming fields only.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from mappings.transforms.base import ERROR, WARNING, Call, Param, text_of, transform

CENT = Decimal("0.01")


def parse_decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        # str() first: Cliniko sometimes sends total_including_tax as a JSON number.
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@transform("money", "A decimal amount rounded to cents (Decimal).",
           min_inputs=1, max_inputs=1)
def money(call: Call) -> Decimal | None:
    raw = call.input()
    if raw in (None, ""):
        return None
    value = parse_decimal(raw)
    if value is None:
        call.problem(call.source_name(), "is not a decimal amount", ERROR)
        return None
    return cents(value)


def _live(items: Any) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        return []
    return [i for i in items if isinstance(i, dict) and not i.get("archived_at")
            and not i.get("deleted_at")]


def line_net(item: dict[str, Any]) -> Decimal | None:
    """The item's ex-GST line amount after discount.

    Cliniko's `net_price` is read as the line's net amount (the reference
    example: quantity 1, unit 100, net 100, tax 10, total 110); without it,
    quantity × unit_price − discounted_amount.
    """
    net = parse_decimal(item.get("net_price"))
    if net is not None:
        return net
    quantity = parse_decimal(item.get("quantity")) or Decimal(1)
    unit = parse_decimal(item.get("unit_price"))
    if unit is None:
        return None
    return quantity * unit - (parse_decimal(item.get("discounted_amount")) or Decimal(0))


def build_line(item: dict[str, Any], is_labour: bool, with_code: bool) -> dict[str, Any] | None:
    net = line_net(item)
    if net is None:
        return None
    quantity = parse_decimal(item.get("quantity")) or Decimal(1)
    name = text_of(item.get("name")) or "Item"
    code = text_of(item.get("code"))
    if with_code and code:
        name = f"{name} ({code})"
    price = cents(net / quantity) if quantity else cents(net)
    if quantity and price * quantity != cents(net):
        # A unit price that does not divide into cents would change the
        # subtotal; keep the money exact and put the quantity in the text.
        name = f"{name} × {quantity.normalize():f}"
        quantity, price = Decimal(1), cents(net)
    return {"itemDescription": name, "itemQuantity": quantity, "itemPrice": price,
            "isLabour": is_labour}


@transform("invoice_line_items",
           "Source [$invoice_items] → Fergus line items (ex-GST unit price after discount), "
           "so that their subtotal equals the invoice's net amount.",
           {"is_labour": Param(bool, default=False), "with_code": Param(bool, default=True)},
           min_inputs=1, max_inputs=1)
def invoice_line_items(call: Call) -> list[dict[str, Any]]:
    lines = []
    for index, item in enumerate(_live(call.input())):
        line = build_line(item, call.params["is_labour"], call.params["with_code"])
        if line is None:
            call.problem(f"{call.source_name()}[{index}].net_price", "is not a decimal amount",
                         ERROR)
            continue
        lines.append(line)
    return lines


@transform("gst_check",
           "Sources [net_amount, tax_amount, total_amount, $invoice_items]: checks that Fergus "
           "subtotal + GST at “rate” reproduces the Cliniko totals; reports mixed or GST-free "
           "items. Writes a summary (target e.g. @gst).",
           {"rate": Param(str, default="10", help="The Fergus company's GST rate, percent."),
            "on_mismatch": Param(str, default=ERROR, choices=(ERROR, WARNING))},
           min_inputs=4, max_inputs=4)
def gst_check(call: Call) -> dict[str, Any] | None:
    rate = parse_decimal(call.params["rate"])
    if rate is None:
        call.problem("rate", "is not a decimal percentage", ERROR)
        return None
    severity = call.params["on_mismatch"]
    items = _live(call.input(3))
    subtotal = Decimal(0)
    rates: set[Decimal] = set()
    for item in items:
        line = build_line(item, False, False)
        if line is not None:
            subtotal += line["itemQuantity"] * line["itemPrice"]
        item_rate = parse_decimal(item.get("tax_rate"))
        if item_rate is None:  # tax_rate is newer; fall back to the deprecated tax_amount
            tax_amount = parse_decimal(item.get("tax_amount"))
            item_rate = rate if tax_amount else Decimal(0)
        rates.add(item_rate)
    tax = cents(subtotal * rate / 100)
    summary = {"subtotal": cents(subtotal), "tax": tax, "total": cents(subtotal) + tax,
               "matches": True}
    if Decimal(0) in rates and len(rates) > 1:
        call.problem(call.source_name(3), "mixes GST and GST-free items; Fergus tax is "
                     "invoice-level, so the Fergus GST will differ from tax_amount", severity)
        summary["matches"] = False
    elif rates == {Decimal(0)}:
        call.problem(call.source_name(3), "are all GST-free; Fergus adds GST at invoice level, "
                     "so the Fergus total will differ from total_amount", severity)
        summary["matches"] = False
    elif rates and rates != {rate}:
        call.problem(call.source_name(3), "have a tax_rate other than the Fergus GST rate",
                     severity)
        summary["matches"] = False
    for index, (name, expected) in enumerate(
        (("subtotal", call.input(0)), ("tax", call.input(1)), ("total", call.input(2)))
    ):
        value = parse_decimal(expected)
        if value is not None and cents(value) != summary[name] and summary["matches"]:
            call.problem(call.source_name(index), f"differs from the Fergus {name} the line "
                         "items produce", severity)
            summary["matches"] = False
    return summary
