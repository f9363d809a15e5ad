"""创星晋级 writes (docs/scoring.md §S1–S10): tables copied and edited by the county, the members
register (one by one or from Excel), point entries recorded and approved by a second person,
standings recomputed by ``stars.rules`` on every approval, and the 奖惩凭星 table. Each write
authorizes against role and scope, validates everything, writes in one transaction and is
audited."""

from .common import EVIDENCE_MAX_BYTES, IMPORT_MAX_ROWS, REGISTER_HEADER
from .consequences import consequences_set
from .entries import entry_approve, entry_record, entry_reject
from .ladder_inputs import ladder_input_fill, ladder_input_set
from .register import CATEGORY_BY_LABEL, member_create, members_import
from .tables import item_create, table_set_thresholds, tables_copy

__all__ = [
    "CATEGORY_BY_LABEL",
    "EVIDENCE_MAX_BYTES",
    "IMPORT_MAX_ROWS",
    "REGISTER_HEADER",
    "consequences_set",
    "entry_approve",
    "entry_record",
    "entry_reject",
    "item_create",
    "ladder_input_fill",
    "ladder_input_set",
    "member_create",
    "members_import",
    "table_set_thresholds",
    "tables_copy",
]
