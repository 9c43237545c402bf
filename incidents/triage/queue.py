"""The staff queue: filtered, searchable, keyset-paginated, with per-status counts.

Every query filters on one channel and orders by an indexed key, so a page costs a range scan
of an index (channel, filter, id) whatever the table's size: no OFFSET, no sort of the whole
match. The counts come from report_count, which database triggers keep.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, tuple_, union_all
from sqlmodel import Session, select

from core import clock
from core.ids import parse_id
from incidents.models import Report, ReportCount, ReportStatus
from incidents.triage.workflow import OPEN_STATUSES
from incidents.vocabulary import ReportKind, SeriousFlag

OVERDUE_COUNT_CAP = 1000
MAX_SEARCH_MODELS = 12
SORTS = ("newest", "oldest", "due", "duty")
# The sorts by a moment, each on its own (channel, column, id) index: the Art. 73 filing, the next duty.
MOMENT_SORTS = {"due": "due_at", "duty": "duty_due_at"}
QUEUE_COLUMNS = (
    Report.id,
    Report.channel,
    Report.source_type,
    Report.category,
    Report.kind,
    Report.severity,
    Report.status,
    Report.model_name,
    Report.model_version,
    Report.country,
    Report.created_at,
    Report.assignee_id,
    Report.due_at,
    Report.due_kind,
    Report.duty_due_at,
    Report.duty_kind,
    Report.incident_id,
    Report.deadline_tier,
    # The serious-harm flags: before staff act, the reporter's own answers give a provisional deadline.
    *(getattr(Report, flag.column) for flag in SeriousFlag),
)


class BadQuery(ValueError):
    """A filter or cursor that cannot be understood; the message says which."""


@dataclass
class Filters:
    channel: str
    # The viewer's visibility rule (incidents.access.narrowing); None when they see the whole channel.
    visible: Any = None
    status: str | None = None
    category: str | None = None
    severity: str | None = None
    kind: str | None = None
    model: str | None = None
    assignee: str | None = None  # "me", "none" or a staff id
    overdue: bool = False
    duty_overdue: bool = False
    open_only: bool = False
    q: str | None = None
    sort: str = "newest"

    def as_args(self) -> dict:
        """The filters as URL query arguments (for links that keep them)."""
        names = ("status", "category", "severity", "kind", "model", "assignee", "q")
        args = {name: getattr(self, name) for name in names}
        args.update(
            overdue="1" if self.overdue else None,
            duty_overdue="1" if self.duty_overdue else None,
            open="1" if self.open_only else None,
            sort=None if self.sort == "newest" else self.sort,
        )
        return {key: value for key, value in args.items() if value}


@dataclass
class QueuePage:
    rows: list
    next_cursor: str | None
    counts: dict[str, int]
    total: int
    open_total: int
    overdue: int
    filters: Filters
    now: datetime
    has_previous: bool = False
    too_broad: bool = False
    duty_overdue: int = 0
    kind_counts: dict[str, int] = field(default_factory=dict)  # each up to OVERDUE_COUNT_CAP


def _prefix_bounds(prefix: str) -> tuple[str, str | None]:
    """Return the range of keys that start with `prefix`; there is no upper bound after the last code point."""
    following = ord(prefix[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:  # no text holds a surrogate, and the database cannot be sent one
        following = 0xE000
    if following > sys.maxunicode:
        return prefix, None
    return prefix, prefix[:-1] + chr(following)


class TooBroad(Exception):
    """A search prefix that matches more distinct models than a page should merge."""


def _models_starting_with(session: Session, channel: str, prefix: str) -> list[str]:
    """Find the distinct model keys that start with `prefix`, one index seek each (a loose index scan).

    DISTINCT would read every matching row; this asks the index for the next key instead, so
    the cost grows with the number of distinct models, not with the number of reports.
    """
    low, high = _prefix_bounds(prefix)
    keys: list[str] = []
    bound = Report.model_key >= low
    below = [Report.model_key < high] if high is not None else []
    while True:
        key = session.execute(
            select(func.min(Report.model_key)).where(Report.channel == channel, bound, *below)
        ).scalar()
        if key is None:
            return keys
        if key.startswith(prefix):
            keys.append(key)
            if len(keys) > MAX_SEARCH_MODELS:
                raise TooBroad(prefix)
        elif high is None:
            return keys  # past the prefix, with no upper bound to stop the walk
        bound = Report.model_key > key


def _search_branches(session: Session, channel: str, q: str) -> list:
    """Turn a search into index-friendly equality conditions, each run as its own keyset query.

    A report number matches that report; two letters match a country code; any text matches
    the models whose name starts with it.
    """
    text = " ".join(q.split()).lower()
    number = re.fullmatch(r"#?([0-9]+)", text)
    if number:
        report_id = parse_id(number.group(1))
        return [Report.id == report_id] if report_id else []  # a number no report can have matches nothing
    branches = [Report.model_key == key for key in _models_starting_with(session, channel, text)]
    if re.fullmatch(r"[a-z]{2}", text):
        branches.append(Report.country == text.upper())
    return branches


def _conditions(filters: Filters, viewer_id: int, now: datetime) -> list:
    where = [Report.channel == filters.channel]
    if filters.visible is not None:
        where.append(filters.visible)
    for name in ("status", "category", "severity", "kind"):
        value = getattr(filters, name)
        if value:
            where.append(getattr(Report, name) == value)
    if filters.open_only and not filters.status:
        where.append(Report.status.in_([s.value for s in OPEN_STATUSES]))
    if filters.model:
        where.append(Report.model_key == " ".join(filters.model.split()).lower())
    if filters.assignee == "me":
        where.append(Report.assignee_id == viewer_id)
    elif filters.assignee == "none":
        where.append(Report.assignee_id.is_(None))
    elif filters.assignee:
        assignee_id = parse_id(filters.assignee)
        if assignee_id is None:
            raise BadQuery("assignee")
        where.append(Report.assignee_id == assignee_id)
    if filters.overdue:
        where.append(Report.due_at < now)
    if filters.duty_overdue:
        where.append(Report.duty_due_at < now)
    return where


def _decode_cursor(sort: str, cursor: str) -> tuple:
    try:
        if sort in MOMENT_SORTS:
            stamp, _, ident = cursor.partition("~")
            moment = datetime.fromisoformat(stamp)
            if moment.tzinfo is None:
                raise ValueError("a cursor time carries its offset")
            return moment, _cursor_id(ident)
        return (_cursor_id(cursor),)
    except (TypeError, ValueError) as err:
        raise BadQuery("cursor") from err


def _cursor_id(text: str) -> int:
    row_id = parse_id(text)
    if row_id is None:
        raise ValueError("a cursor names a report id")
    return row_id


def _encode_cursor(sort: str, row) -> str:
    if sort in MOMENT_SORTS:
        return f"{getattr(row, MOMENT_SORTS[sort]).isoformat()}~{row.id}"
    return str(row.id)


def load_page(
    session: Session,
    filters: Filters,
    *,
    viewer_id: int,
    page_size: int,
    cursor: str | None = None,
    now: datetime | None = None,
) -> QueuePage:
    """Return one page of the queue after `cursor`, with the counts for the channel."""
    if filters.sort not in SORTS:
        raise BadQuery("sort")
    if filters.overdue:
        filters.sort = "due"  # the most overdue first, straight off the (channel, due_at, id) index
    elif filters.duty_overdue:
        filters.sort = "duty"  # likewise off the (channel, duty_due_at, id) index
    now = now or clock.now()
    where = _conditions(filters, viewer_id, now)
    too_broad = False
    try:
        branches = _search_branches(session, filters.channel, filters.q) if filters.q else [None]
    except TooBroad:
        branches, too_broad = [], True
    rows: list = []
    for branch in branches:
        query = _ordered(select(*QUEUE_COLUMNS).where(*where), filters.sort, cursor)
        if branch is not None:
            query = query.where(branch)
        rows.extend(session.execute(query.limit(page_size + 1)).all())
    if len(branches) > 1:  # merge the branches' pages: each is sorted, so the first page_size+1 of all suffice
        rows = sorted({row.id: row for row in rows}.values(), key=_sort_key(filters.sort))[: page_size + 1]
    next_cursor = _encode_cursor(filters.sort, rows[page_size - 1]) if len(rows) > page_size else None
    counts = status_counts(session, filters.channel, filters.visible)
    # Counted up to a cap, so a large backlog costs a bounded index range, not a scan of all of it.
    seen = [Report.channel == filters.channel] + ([filters.visible] if filters.visible is not None else [])
    overdue, duty_overdue = (
        session.execute(
            select(func.count()).select_from(
                select(Report.id).where(*seen, column < now).limit(OVERDUE_COUNT_CAP).subquery()
            )
        ).scalar_one()
        for column in (Report.due_at, Report.duty_due_at)
    )
    return QueuePage(
        kind_counts=kind_counts(session, seen),
        rows=rows[:page_size],
        next_cursor=next_cursor,
        counts=counts,
        total=sum(counts.values()),
        open_total=sum(n for status, n in counts.items() if ReportStatus(status) in OPEN_STATUSES),
        overdue=overdue,
        filters=filters,
        now=now,
        has_previous=bool(cursor),
        too_broad=too_broad,
        duty_overdue=duty_overdue,
    )


def kind_counts(session: Session, seen: list) -> dict[str, int]:
    """Count the visible reports of each kind, each up to the cap: one bounded range of the (channel, kind, id)
    index per kind, in one query, so a large channel costs what a small one does."""
    parts = [
        select(literal(kind.value).label("kind"), func.count().label("n")).select_from(
            select(Report.id).where(*seen, Report.kind == kind.value).limit(OVERDUE_COUNT_CAP).subquery()
        )
        for kind in ReportKind
    ]
    return {kind: int(n) for kind, n in session.execute(union_all(*parts))}


def status_counts(session: Session, channel: str, visible: Any = None) -> dict[str, int]:
    """Count the channel's reports per status: from report_count, or for a narrower view, from the rows it sees."""
    if visible is None:
        rows = session.exec(select(ReportCount).where(ReportCount.channel == channel))
        return {row.status: row.n for row in rows}
    query = select(Report.status, func.count()).where(Report.channel == channel, visible).group_by(Report.status)
    return {status: n for status, n in session.execute(query)}


def _ordered(query, sort: str, cursor: str | None):
    """Order a queue query by its sort key and start it after the cursor."""
    if sort in MOMENT_SORTS:
        column = getattr(Report, MOMENT_SORTS[sort])
        query = query.where(column.is_not(None)).order_by(column, Report.id)
        if cursor:
            query = query.where(tuple_(column, Report.id) > _decode_cursor(sort, cursor))
    elif sort == "oldest":
        query = query.order_by(Report.id)
        if cursor:
            query = query.where(Report.id > _decode_cursor("oldest", cursor)[0])
    else:
        query = query.order_by(Report.id.desc())
        if cursor:
            query = query.where(Report.id < _decode_cursor("newest", cursor)[0])
    return query


def _sort_key(sort: str):
    if sort in MOMENT_SORTS:
        return lambda row: (getattr(row, MOMENT_SORTS[sort]), row.id)
    if sort == "oldest":
        return lambda row: row.id
    return lambda row: -row.id
