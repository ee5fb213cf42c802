"""Sensor messages over MQTT (LoRaWAN network servers, SensorThings brokers) into raw.

:mod:`.messages` turns one message into observation rows, :mod:`.connector` is the ``mqtt`` connector
(a micro-batch file, or an operator's recording, through the normal ingest path), :mod:`.spool` keeps
received messages on disk before they are acknowledged, :mod:`.consumer` is ``regiohub mqtt SOURCE``.
"""
