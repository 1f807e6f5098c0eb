-- The taxes an enterprise delegates to an appointed agent user (涉税代理人员):
-- an agent may prepare and submit returns of these taxes only.
CREATE TABLE agent_delegations (
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    user_id BIGINT NOT NULL REFERENCES taxpayer_users(id),
    tax_type TEXT NOT NULL,
    granted_by BIGINT NOT NULL,
    granted_at TEXT NOT NULL,
    PRIMARY KEY (taxpayer_id, user_id, tax_type)
);
