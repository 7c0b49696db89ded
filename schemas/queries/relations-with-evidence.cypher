// Every extracted relation with when it happened (if the text says) and the sentence it was read from
// (same columns and order as relations-with-evidence.rq; relation is the catalogue name, e.g. holds_position).
MATCH (s:Entity)<-[:SUBJECT]-(x:Assertion)-[:OBJECT]->(o:Entity)
RETURN s.name AS subject, x.predicate AS relation, o.name AS object, x.modality AS modality,
       x.eventDate AS date, x.confidence AS confidence, x.sentence AS sentence
ORDER BY subject, relation, object, sentence, confidence DESC, modality, date IS NULL, toString(date)
