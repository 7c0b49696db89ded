// Who holds which office, with how many articles say so (same columns and order as positions-held.rq).
MATCH (p:Entity)-[r:HOLDS_POSITION]->(o:Entity)
UNWIND r.articles AS article
RETURN p.name AS person, o.name AS office, count(DISTINCT article) AS articles
ORDER BY articles DESC, person, office
