"""Business actions of mutual aid, one module per concern: needs (asking, offering,
cancelling, withdrawing, a board post turned into a need), claims (claim, accept, hand
over with a code, messages, expiry), helping (help straight from a need, agreed at once),
campaigns; states holds what they share: the claim transition table, the
settle functions and the locks.

Quantities move only through conditional UPDATEs (`… WHERE quantity >= reserved
+ given + q`), so concurrent claims can never over-allocate; the CheckConstraints
on the tables are the last line. Locks are taken in one order: offer, then need,
then claim. States change only through `offer_settle`, `need_settle` and
`claim_move`, which refuse illegal transitions.
"""
