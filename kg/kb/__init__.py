"""Tables kg builds from the field's event-data dictionaries (PETRARCH2 / Phoenix, MIT): who an actor is,
what a verb phrase means as an event."""
