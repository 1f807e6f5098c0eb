-- The 12366 consultation queue (网上税法咨询): questions from the web, SMS
-- and the hotline in ONE queue per responsible bureau. An agent claims a
-- question with a guarded UPDATE (state = 'open'), so two agents never
-- answer the same one. Askers without an account follow up with the
-- tracking number and a hashed query code. attachment_id is the seam for
-- the uploads store; the public Q&A list is reviewed before publication.
CREATE TABLE questions (
    id {{id}},
    tracking_no TEXT NOT NULL UNIQUE,
    code_hash TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    channel TEXT NOT NULL CHECK (channel IN ('web', 'sms', 'hotline')),
    tax_type TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    taxpayer_id BIGINT REFERENCES taxpayers(id),
    user_id BIGINT REFERENCES taxpayer_users(id),
    asker_name TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    attachment_id BIGINT,
    entered_by BIGINT REFERENCES staff(id),
    state TEXT NOT NULL CHECK (state IN ('open', 'claimed', 'answered')),
    claimed_by BIGINT REFERENCES staff(id),
    claimed_at TEXT,
    due_on TEXT NOT NULL,
    answered_at TEXT,
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    rating_comment TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
-- The queue of a bureau: open questions oldest first, keyset by id.
CREATE INDEX questions_queue ON questions(org_id, state, id);
-- An agent's claimed questions.
CREATE INDEX questions_claimed ON questions(claimed_by, state, id);
-- A user's own questions.
CREATE INDEX questions_user ON questions(user_id, id);

-- The thread: the question's follow-ups, answers and transfers.
CREATE TABLE question_entries (
    id {{id}},
    question_id BIGINT NOT NULL REFERENCES questions(id),
    author TEXT NOT NULL CHECK (author IN ('asker', 'agent', 'system')),
    staff_id BIGINT REFERENCES staff(id),
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX question_entries_q ON question_entries(question_id, id);

-- Q&A proposed for the public list, anonymised by the agent, published
-- after a content reviewer approves.
CREATE TABLE public_qa (
    id {{id}},
    question_id BIGINT NOT NULL UNIQUE REFERENCES questions(id),
    tax_type TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    proposed_by BIGINT NOT NULL REFERENCES staff(id),
    state TEXT NOT NULL CHECK (state IN ('pending', 'published', 'rejected')),
    reviewed_by BIGINT REFERENCES staff(id),
    reviewed_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX public_qa_state ON public_qa(state, id);
