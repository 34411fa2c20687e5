"""How figures read in Persian (wording): counts, shares, paces and verdicts, the same in the
receipt, the lookups and the digest."""
