"""The DCS module: the DCS's own alarms (OPC UA Alarms & Conditions) and history back-fill."""
