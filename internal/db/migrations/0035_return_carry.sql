-- What a later period of the same form reads from an accepted return: the
-- cells summed over the year to date (forms.Form.PriorKeys) and the cells
-- carried to the next period (CarryKeys), as a small JSON object of fen,
-- written with the return. Opening or submitting a period reads these few
-- bytes from the year's earlier returns instead of parsing each one's whole
-- document. NULL on returns accepted before this column existed: those are
-- read from their document, as before. A per-year running total would be
-- wrong here: periods are filed out of order and corrected after later ones.
ALTER TABLE returns ADD COLUMN carry TEXT;
