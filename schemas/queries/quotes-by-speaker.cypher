// Quotes with their speaker and the article they come from (same columns and order as quotes-by-speaker.rq).
MATCH (s:Entity)-[:SAID]->(q:Quote)-[:QUOTED_IN]->(a:Article)
RETURN DISTINCT s.name AS speaker, q.text AS quote, q.cue AS cue, coalesce(a.title, '') AS title
ORDER BY speaker, quote, cue, title
