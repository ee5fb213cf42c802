"""Read-only OGC SensorThings API v1.1 over the sensor sources (see :mod:`.routes`)."""
