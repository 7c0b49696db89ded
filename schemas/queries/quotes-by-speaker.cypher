// Quotes with their speaker and the article they come from (same columns as quotes-by-speaker.rq).
MATCH (s:Entity)-[:SAID]->(q:Quote)-[:QUOTED_IN]->(a:Article)
RETURN s.name AS speaker, q.text AS quote, q.cue AS cue, a.title AS title
ORDER BY speaker, quote
