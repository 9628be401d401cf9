"""Every query of the market board, split by aggregate under ``market/repositories/``.

This module re-exports them, so ``from distretto.market.repository import …`` keeps working;
new code imports the aggregate's module.

Reads start from the *readable* statements below, which already restrict rows to what
the viewer may see: ``readable_orders`` (the visibility rule), ``readable_questions`` and
``readable_bids`` (bid confidentiality, with sealed amounts blanked by the database
itself). Nothing is loaded first and filtered afterwards.
"""

from distretto.market.repositories.award import (
    ContractWriter as ContractWriter,
)
from distretto.market.repositories.bids import (
    BidRepository as BidRepository,
)
from distretto.market.repositories.bids import (
    readable_bids as readable_bids,
)
from distretto.market.repositories.common import (
    _WORD as _WORD,
)
from distretto.market.repositories.common import (
    MAX_SEARCH_WORDS as MAX_SEARCH_WORDS,
)
from distretto.market.repositories.common import (
    UNIQUE_KEYS as UNIQUE_KEYS,
)
from distretto.market.repositories.common import (
    Lock as Lock,
)
from distretto.market.repositories.common import (
    _checked_cursor as _checked_cursor,
)
from distretto.market.repositories.common import (
    _locked as _locked,
)
from distretto.market.repositories.common import (
    is_unique_violation as is_unique_violation,
)
from distretto.market.repositories.idempotency import (
    IdempotencyRepository as IdempotencyRepository,
)
from distretto.market.repositories.orders import (
    _BIDDER_FIRM as _BIDDER_FIRM,
)
from distretto.market.repositories.orders import (
    _CLIENT_FIRM as _CLIENT_FIRM,
)
from distretto.market.repositories.orders import (
    BidTarget as BidTarget,
)
from distretto.market.repositories.orders import (
    FirmLookup as FirmLookup,
)
from distretto.market.repositories.orders import (
    ListedOrder as ListedOrder,
)
from distretto.market.repositories.orders import (
    OrderRepository as OrderRepository,
)
from distretto.market.repositories.orders import (
    _bid_target_statement as _bid_target_statement,
)
from distretto.market.repositories.orders import (
    _board_statement as _board_statement,
)
from distretto.market.repositories.orders import (
    _BoardShape as _BoardShape,
)
from distretto.market.repositories.orders import (
    _listed as _listed,
)
from distretto.market.repositories.orders import (
    _listing as _listing,
)
from distretto.market.repositories.orders import (
    _readable_listed_statement as _readable_listed_statement,
)
from distretto.market.repositories.orders import (
    live_bid_count as live_bid_count,
)
from distretto.market.repositories.orders import (
    search_condition as search_condition,
)
from distretto.market.repositories.orders import (
    search_parameters as search_parameters,
)
from distretto.market.repositories.orders import (
    search_words as search_words,
)
from distretto.market.repositories.questions import (
    QuestionRepository as QuestionRepository,
)
from distretto.market.repositories.questions import (
    readable_questions as readable_questions,
)
from distretto.market.repositories.visibility import (
    NOW as NOW,
)
from distretto.market.repositories.visibility import (
    VIEWER_FIRMS as VIEWER_FIRMS,
)
from distretto.market.repositories.visibility import (
    Reach as Reach,
)
from distretto.market.repositories.visibility import (
    _reach as _reach,
)
from distretto.market.repositories.visibility import (
    _viewer_parameters as _viewer_parameters,
)
from distretto.market.repositories.visibility import (
    _visibility_of_viewer_firms as _visibility_of_viewer_firms,
)
from distretto.market.repositories.visibility import (
    order_visibility as order_visibility,
)
from distretto.market.repositories.visibility import (
    readable_orders as readable_orders,
)
from distretto.market.repositories.visibility import (
    status_is as status_is,
)
from distretto.market.repositories.visibility import (
    visible_to_firms as visible_to_firms,
)
