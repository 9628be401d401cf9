"""Bounded id parameters.

An id beyond the database column's range cannot name a row, and sending it to the
database fails with an overflow (a 500) instead of a clean answer; bounding the
parameter turns it into a 422 that names the field.
"""

from typing import Annotated

from fastapi import Path, Query

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1

# Tables keyed by INTEGER (users, firms, consortia, …).
IdPath = Annotated[int, Path(ge=1, le=INT32_MAX)]
IdQuery = Annotated[int, Query(ge=1, le=INT32_MAX)]
# Tables keyed by BIGINT (orders, bids, contracts, messages, flags, audit log, …).
BigIdPath = Annotated[int, Path(ge=1, le=INT64_MAX)]
