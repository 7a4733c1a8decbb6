"""Tables of the grids app: places and people (places.py), the board (board.py)."""

from grids.models.places import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    Community,
    Grid,
    Membership,
    MicroGrid,
    Role,
    RoleGrant,
    new_join_code,
)

__all__ = [
    "JOIN_CODE_ALPHABET",
    "JOIN_CODE_LENGTH",
    "Community",
    "Grid",
    "Membership",
    "MicroGrid",
    "Role",
    "RoleGrant",
    "new_join_code",
]
