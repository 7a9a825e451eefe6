"""The knowledge base: articles and documents, the regulatory barrier register, value-added
opportunities, and the portal-wide search index."""

from .articles import Article, ArticleRevision, KnowledgeAuthor, Topic, Visibility
from .barriers import (
    BARRIER_REFERENCE_PREFIX,
    BarrierEndorsement,
    BarrierStatusChange,
    RegulatoryBarrier,
)
from .opportunities import OpportunityInterest, ValueOpportunity
from .search import SearchDocument, SearchDocumentAccess

__all__ = [
    "BARRIER_REFERENCE_PREFIX",
    "Article",
    "ArticleRevision",
    "BarrierEndorsement",
    "BarrierStatusChange",
    "KnowledgeAuthor",
    "OpportunityInterest",
    "RegulatoryBarrier",
    "SearchDocument",
    "SearchDocumentAccess",
    "Topic",
    "ValueOpportunity",
    "Visibility",
]
