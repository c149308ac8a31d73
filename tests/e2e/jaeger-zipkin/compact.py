#!/usr/bin/python3
"""Sends one nested trace as a Jaeger agent emitBatch in the thrift *compact* protocol over UDP
(port 6831's convention), built with Apache Thrift's Python library (Debian python3-thrift) and
the classes `thrift --gen py` makes from jaeger-client's own IDL files.

  compact.py <generated-python-dir> <udp-port>

Prints {"traceId","root","child","grandchild"} (hex) like send.cjs. Tags of every thrift type,
logs, an error, a parent and a FOLLOWS_FROM reference, a 128-bit trace ID.
"""
import json
import os
import random
import socket
import sys
import time

sys.path.insert(0, sys.argv[1])
from agent import Agent  # noqa: E402
from jaeger import ttypes as j  # noqa: E402
from thrift.protocol import TCompactProtocol  # noqa: E402
from thrift.transport import TTransport  # noqa: E402


def i64(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def tag(key, **kw):
    kinds = {"vStr": j.TagType.STRING, "vDouble": j.TagType.DOUBLE, "vBool": j.TagType.BOOL,
             "vLong": j.TagType.LONG, "vBinary": j.TagType.BINARY}
    (field, value), = kw.items()
    return j.Tag(key=key, vType=kinds[field], **{field: value})


now_us = int(time.time() * 1e6)
high, low = random.getrandbits(64) | 1, random.getrandbits(64) | 1
root_id, child_id, grand_id = (random.getrandbits(63) | 1 for _ in range(3))
root = j.Span(traceIdLow=i64(low), traceIdHigh=i64(high), spanId=root_id, parentSpanId=0,
              operationName="GET /checkout", flags=1, startTime=now_us, duration=5000,
              tags=[tag("span.kind", vStr="server"), tag("http.method", vStr="GET"),
                    tag("http.status_code", vLong=503), tag("ratio", vDouble=0.5),
                    tag("cached", vBool=True), tag("blob", vBinary=b"\x00\x01\x02")],
              logs=[j.Log(timestamp=now_us + 100,
                          fields=[tag("event", vStr="validated"), tag("items", vLong=3)])])
child = j.Span(traceIdLow=i64(low), traceIdHigh=i64(high), spanId=child_id, parentSpanId=root_id,
               operationName="charge", flags=1, startTime=now_us + 200, duration=3000,
               tags=[tag("span.kind", vStr="client"), tag("error", vBool=True),
                     tag("otel.status_description", vStr="card declined")],
               logs=[j.Log(timestamp=now_us + 300, fields=[tag("event", vStr="retry"),
                                                            tag("attempt", vLong=2)])])
grand = j.Span(traceIdLow=i64(low), traceIdHigh=i64(high), spanId=grand_id, parentSpanId=0,
               operationName="db.query", flags=1, startTime=now_us + 400, duration=1000,
               references=[j.SpanRef(refType=j.SpanRefType.CHILD_OF, traceIdLow=i64(low),
                                     traceIdHigh=i64(high), spanId=child_id),
                           j.SpanRef(refType=j.SpanRefType.FOLLOWS_FROM, traceIdLow=i64(low),
                                     traceIdHigh=i64(high), spanId=root_id)],
               tags=[tag("span.kind", vStr="producer"), tag("db.system", vStr="postgresql")])
batch = j.Batch(process=j.Process(serviceName="thrift-compact",
                                  tags=[tag("hostname", vStr="box-7"),
                                        tag("jaeger.version", vStr="Python-4.8.0")]),
                spans=[root, child, grand])

buf = TTransport.TMemoryBuffer()
Agent.Client(TCompactProtocol.TCompactProtocol(buf)).send_emitBatch(batch)
datagram = buf.getvalue()
assert datagram[:2] == b"\x82\x81", datagram[:2]
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.sendto(datagram, ("127.0.0.1", int(sys.argv[2])))
print(json.dumps({"traceId": f"{high:016x}{low:016x}", "root": f"{root_id:016x}",
                  "child": f"{child_id:016x}", "grandchild": f"{grand_id:016x}"}))
