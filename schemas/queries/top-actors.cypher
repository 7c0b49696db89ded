// Actors ranked by how many articles mention them (same columns and order as top-actors.rq).
MATCH (article:Article)-[:MENTIONS]->(e:Entity)
WHERE e:Person OR e:Organization OR e:GPE OR e:Group
RETURN e.name AS actor, e.type AS type, count(DISTINCT article) AS articles
ORDER BY articles DESC, actor, type
LIMIT 20
