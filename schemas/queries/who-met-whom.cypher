// Meetings and talks between actors, with the number of supporting sentences (same columns and order as
// who-met-whom.rq; relation is the catalogue name: meets, negotiates_with, visits).
MATCH (s:Entity)-[r:MEETS|NEGOTIATES_WITH|VISITS]->(o:Entity)
RETURN s.name AS a, toLower(type(r)) AS relation, o.name AS b, sum(r.evidence) AS evidence
ORDER BY evidence DESC, a, b, relation
