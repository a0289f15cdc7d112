"""What a run's event log says: result tables, measures, histories, explanations, replay."""
