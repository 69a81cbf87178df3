-- 0005_debt_facts: facts about a debt the compliance rules need.
--
-- itemization_basis: what the itemization date is (last_statement, charge_off,
-- last_payment, transaction, judgment; 12 CFR 1006.34(b)(3)). Chosen once per debt and
-- used consistently: fixed once a validation notice has been sent.
ALTER TABLE accounts ADD COLUMN itemization_basis TEXT;
-- federal_loan_bundle: federal student loans (HEA Title IV) serviced under one account
-- number when obtained count as one debt for the call-frequency limits
-- (1006.14(b)(4)); a debtor's accounts sharing this value are bundled. Also marks the
-- loan as federal, which has no statute of limitations (20 U.S.C. 1091a(a)).
ALTER TABLE accounts ADD COLUMN federal_loan_bundle TEXT;
