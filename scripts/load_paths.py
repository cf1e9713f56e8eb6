#!/usr/bin/env python3
# scripts/load_paths.py TMP BASE HCPCS COMPOSED: writes the request paths of
# each scenario of scripts/load.sh (and scripts/ab.sh) to TMP/<scenario>.txt,
# codes drawn at random from TMP/cs.json (the 2025-10 CodeSystem, seed 42),
# and the bodies of the tx-resource scenarios to TMP/inline.json, bare.json
# and start.json.
import json, random, sys
tmp, base, hcpcs, composed = sys.argv[1:5]
codes = [c["code"] for c in json.load(open(tmp + "/cs.json"))["concept"]]
rnd = random.Random(42)
sample = [rnd.choice(codes) for _ in range(2000)]
def write(name, fmt):
    with open("%s/%s.txt" % (tmp, name), "w") as f:
        for c in sample:
            f.write(fmt.format(c=c) + "\n")
write("lookup", base + "/CodeSystem/$lookup?system=" + hcpcs + "&code={c}")
write("cs-validate", base + "/CodeSystem/$validate-code?url=" + hcpcs + "&code={c}")
write("vs-implicit", base + "/ValueSet/$validate-code?url=" + hcpcs + "%3Ffhir_vs&system=" + hcpcs + "&code={c}")
with open(tmp + "/vs-composed.txt", "w") as f:
    # one in ten a member, so that both answers are exercised
    members = ["E0951", "E0952", "E0955", "E0956", "E0957", "E0958", "E0959", "E0960", "E0961"]
    for i, c in enumerate(sample):
        f.write(base + "/ValueSet/$validate-code?url=" + composed + "&system=" + hcpcs + "&code=" +
                (rnd.choice(members) if i % 10 == 0 else c) + "\n")
words = "wheelch crutch walker cane oxygen insulin pump catheter ostomy pouch glucose lancet nebulizer ventilator cpap orthosis prosthetic ambulance syringe dressing".split()
with open(tmp + "/expand.txt", "w") as f:
    for w in words:
        f.write(base + "/ValueSet/$expand?url=" + hcpcs + "%3Ffhir_vs&filter=" + w + "&count=20\n")
for name in ("download-gzip", "download"):
    open("%s/%s.txt" % (tmp, name), "w").write(base + "/CodeSystem/hcpcs-2025-10\n")
# The tx-resource scenarios: two code systems and a value set over both and
# HCPCS (53 KB, as BenchmarkValidateWithTxResources), inline or in a session.
def cs(url, prefix, n):
    concepts = [{"code": "%s%03d" % (prefix, i), "display": "%s concept number %d" % (prefix, i),
                 "definition": "The %d-th concept of the %s system, for benchmarks" % (i, prefix),
                 "designation": [{"language": "de", "value": "%s Konzept %d" % (prefix, i)}],
                 "property": [{"code": "group", "valueCode": "g%d" % (i % 7)}]} for i in range(n)]
    return {"resourceType": "CodeSystem", "url": url, "version": "1.0.0", "name": "Bench", "status": "active", "content": "complete",
            "caseSensitive": True, "language": "en", "property": [{"code": "group", "type": "code"}], "concept": concepts}
vs = {"resourceType": "ValueSet", "url": "http://example.org/fhir/ValueSet/bench", "version": "1.0.0", "status": "active", "compose": {"include": [
    {"system": "http://example.org/fhir/CodeSystem/bench-a", "filter": [{"property": "group", "op": "=", "value": "g3"}]},
    {"system": "http://example.org/fhir/CodeSystem/bench-b"},
    {"system": "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", "concept": [{"code": "E0114"}, {"code": "E0100"}]}]}}
defs = [cs("http://example.org/fhir/CodeSystem/bench-a", "A", 200), cs("http://example.org/fhir/CodeSystem/bench-b", "B", 40), vs]
question = [{"name": "url", "valueUri": vs["url"]},
            {"name": "coding", "valueCoding": {"system": "http://example.org/fhir/CodeSystem/bench-a", "code": "A010", "display": "A concept number 10"}}]
tx = [{"name": "tx-resource", "resource": d} for d in defs]
json.dump({"resourceType": "Parameters", "parameter": question + tx}, open(tmp + "/inline.json", "w"))
json.dump({"resourceType": "Parameters", "parameter": question}, open(tmp + "/bare.json", "w"))
json.dump({"resourceType": "Parameters", "parameter": tx}, open(tmp + "/start.json", "w"))
for name in ("vs-txresource", "vs-session"):
    open("%s/%s.txt" % (tmp, name), "w").write(base + "/ValueSet/$validate-code\n")
