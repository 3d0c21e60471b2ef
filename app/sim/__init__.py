"""The built-in copper-smelter simulator and the real servers that expose it. No Qt.

- :mod:`app.sim.model` -- the process model (``PlantModel``): mass-balanced Cu and S
  (``copper_balance()``, ``sulphur_balance()``), batch units as state machines, setpoints,
  fault injection (``instrument_fault``, ``trip``, ``acid_upset``, ``short_cluster``).
- :mod:`app.sim.opcua_server` -- asyncua server, Objects/Plant/<Area>/<Unit>/<Tag>, status
  codes for bad/uncertain values, optional Basic256Sha256 / Aes128_Sha256_RsaOaep
  SignAndEncrypt endpoints and user/password login (``OpcUaSecurity``).
- :mod:`app.sim.modbus_server`, :mod:`app.sim.modbus_map` -- pymodbus TCP server for the
  rectifiers, utilities and energy meters; the register map is the layout's
  ``modbus_map.yaml`` (format documented in its header).
- :mod:`app.sim.scenarios` -- named faults for ``crucible sim --scenario NAME``.
- :mod:`app.sim.runner` -- steps the model every period (``time_scale`` x) and publishes.

``crucible sim`` prints the OPC UA endpoint on its first stdout line and the Modbus URL
(``modbus://host:port``) on the second.
"""
