-- Individual businesses (个体工商户, credit codes beginning 92) are
-- enterprise-kind taxpayers with their own registration path: an operator
-- (经营者, kept in legal_rep_name/legal_rep_id) instead of a legal
-- representative, no registered capital, e-mail optional. sub_kind tells
-- later features which taxpayers they are: '' or 'individual_business'.
ALTER TABLE taxpayers ADD COLUMN sub_kind TEXT NOT NULL DEFAULT '';
UPDATE taxpayers SET sub_kind = 'individual_business' WHERE kind = 'enterprise' AND code LIKE '92%';
