// Meetings and talks between actors, with the number of supporting sentences (same columns as who-met-whom.rq;
// relation is the RDF property's local name: meets, negotiatesWith, visits).
MATCH (s:Entity)-[r:MEETS|NEGOTIATES_WITH|VISITS]->(o:Entity)
WITH s, o, r, split(toLower(type(r)), '_') AS words
RETURN s.name AS a,
       head(words) + reduce(acc = '', w IN tail(words) | acc + toUpper(left(w, 1)) + substring(w, 1)) AS relation,
       o.name AS b, sum(r.evidence) AS evidence
ORDER BY evidence DESC, a, b
