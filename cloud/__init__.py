"""The cloud (chain) tier.

Its Celery app is loaded by cloud.core's AppConfig.ready(), not here: the tunnel's frame
format (cloud.tunnel.frames) is imported by the store's uplink too, and importing this
package must not make a second Celery app current inside an on-prem process.
"""
