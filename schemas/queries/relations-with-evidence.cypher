// Every extracted relation with when it happened (if the text says) and the sentence it was read from (same columns as relations-with-evidence.rq;
// relation is the RDF property's local name, e.g. holdsPosition, derived from the catalogue name holds_position).
MATCH (x:Assertion)
MATCH (s:Entity {id: x.subject})
MATCH (o:Entity {id: x.object})
WITH s, o, x, split(x.predicate, '_') AS words
RETURN s.name AS subject,
       head(words) + reduce(acc = '', w IN tail(words) | acc + toUpper(left(w, 1)) + substring(w, 1)) AS relation,
       o.name AS object, x.modality AS modality, x.eventDate AS date, x.confidence AS confidence,
       x.sentence AS sentence
ORDER BY subject, relation, object
