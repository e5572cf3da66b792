-- 0001: the items of the data API (POST/GET /items).
-- The constraints are the API's validation: the application checks JSON
-- types only and reports a violated constraint as a 4xx naming it.
CREATE TABLE items (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text        NOT NULL,
    quantity   integer     NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT items_name_unique UNIQUE (name),
    CONSTRAINT items_name_length CHECK (char_length(name) BETWEEN 1 AND 100),
    CONSTRAINT items_quantity_non_negative CHECK (quantity >= 0)
);
