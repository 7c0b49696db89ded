// Constraints and indexes of kg's Neo4j graph, created before the first write
// (kg/stores/neo4j.py runs each statement on its own; all are idempotent).
// Labels here must match the catalogue (schemas/catalogue.toml): Article and
// Quote are its entity types' labels; Entity and Assertion are kg's own.

// one node per stable id
CREATE CONSTRAINT kg_entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE;
CREATE CONSTRAINT kg_article_id IF NOT EXISTS FOR (a:Article) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT kg_quote_id IF NOT EXISTS FOR (q:Quote) REQUIRE q.id IS UNIQUE;

// replacing an article finds its evidence and quotes by article id; aggregated edges are recomputed by it
CREATE INDEX kg_assertion_article IF NOT EXISTS FOR (x:Assertion) ON (x.article_id);
CREATE INDEX kg_quote_article IF NOT EXISTS FOR (q:Quote) ON (q.article_id);

// what users match on: entities by name (equality, prefix) and by any name or alias (full-text:
// CALL db.index.fulltext.queryNodes('kg_entity_names', '"Keir Starmer"')); an aggregated relationship's
// evidence by its key (MATCH (x:Assertion {key: r.key}))
CREATE INDEX kg_entity_name IF NOT EXISTS FOR (e:Entity) ON (e.name);
CREATE FULLTEXT INDEX kg_entity_names IF NOT EXISTS FOR (e:Entity) ON EACH [e.name, e.aliases];
CREATE INDEX kg_assertion_key IF NOT EXISTS FOR (x:Assertion) ON (x.key);

// Deliberately not indexed (each index costs every load): Assertion.id (unique by construction: an
// article's assertions are created only after its old ones are deleted).
