#!/usr/bin/env python3
"""Generates the HCPCS conformance suite in this directory: test-cases.json,
the request Parameters and the expected-response templates.

    python3 testdata/txsuite/generate.py

Expected values are computed from the CMS release files themselves (the
2025-10 ANWEB .xlsx, read with a small stdlib xlsx reader, and the 2023-01
.csv) and from the code tables in hcpcs-data/lookups, not from the server's
answers. Message texts follow tx.fhir.org's wording; server-specific extras
(informational issues, message ids) are $optional$. The data directory is
$HCPCS_TEST_DATA, or ../shared/hcpcs-data beside the checkout, as for the Go
tests (internal/testenv). Standard library only.
"""
import collections
import csv
import json
import os
import re
import xml.etree.ElementTree as ET
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA_DIR = os.environ.get('HCPCS_TEST_DATA') or os.path.join(ROOT, '..', 'shared', 'hcpcs-data')
OUT = HERE
LK = os.path.join(DATA_DIR, 'lookups')

# ---- a minimal xlsx reader (first sheet, shared and inline strings) ----
XLSX_NS = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'


def column_index(ref):
    """'A' -> 0, 'AB' -> 27."""
    n = 0
    for ch in re.match(r'[A-Z]+', ref).group():
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_xlsx_rows(path):
    """The first sheet as dicts keyed by the header row."""
    z = zipfile.ZipFile(path)
    shared = []
    if 'xl/sharedStrings.xml' in z.namelist():
        for si in ET.fromstring(z.read('xl/sharedStrings.xml')).iter(XLSX_NS + 'si'):
            shared.append(''.join(t.text or '' for t in si.iter(XLSX_NS + 't')))
    sheet = sorted(n for n in z.namelist() if n.startswith('xl/worksheets/sheet'))[0]
    rows = []
    for r in ET.fromstring(z.read(sheet)).iter(XLSX_NS + 'row'):
        row = {}
        for c in r.iter(XLSX_NS + 'c'):
            v = c.find(XLSX_NS + 'v')
            if c.get('t') == 's':
                val = shared[int(v.text)]
            elif c.get('t') == 'inlineStr':
                val = ''.join(t.text or '' for t in c.iter(XLSX_NS + 't'))
            else:
                val = v.text if v is not None else ''
            row[column_index(c.get('r'))] = val
        rows.append(row)
    header = rows[0]
    return [{header[i]: r.get(i, '') for i in sorted(header)} for r in rows[1:]]


# ---- the requests: (suite folder, name, operation, http-code, parameters) ----
S = 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets'
SHTTPS = 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets'
OID = 'urn:oid:2.16.840.1.113883.6.285'
THO = 'http://terminology.hl7.org/ValueSet/v3-HealthCareCommonProcedureCodingSystem'
FVS = S + '?fhir_vs'
COV = 'http://hcpcs-server.org/fhir/CodeSystem/hcpcs-coverage'
CPT = 'http://www.ama-assn.org/go/cpt'


def uri(n, v): return {'name': n, 'valueUri': v}
def code(n, v): return {'name': n, 'valueCode': v}
def s(n, v): return {'name': n, 'valueString': v}
def b(n, v): return {'name': n, 'valueBoolean': v}
def dt(n, v): return {'name': n, 'valueDateTime': v}
def coding(n, **kw): return {'name': n, 'valueCoding': kw}
def cc(n, *codings): return {'name': n, 'valueCodeableConcept': {'coding': list(codings)}}


E0114_L = 'Crutches underarm, other than wood, adjustable or fixed, pair, with pads, tips and handgrips'
E0114_S = 'Crutch underarm pair no wood'
CASES = [
 # suite, name, operation, http, params
 ('lookup','lookup-good','lookup',None,[uri('system',S),code('code','S9327')]),
 ('lookup','lookup-property-all','lookup',None,[uri('system',S),code('code','E0114'),code('property','*')]),
 ('lookup','lookup-property-some','lookup',None,[uri('system',S),code('code','G0124'),code('property','pricing-indicator'),code('property','lab-certification'),code('property','inactive')]),
 ('lookup','lookup-cross-reference','lookup',None,[uri('system',S),code('code','A0021'),code('property','cross-reference')]),
 ('lookup','lookup-modifier','lookup',None,[uri('system',S),code('code','LT'),code('property','*')]),
 ('lookup','lookup-terminated','lookup',None,[uri('system',S),code('code','A9155'),code('property','inactive'),code('property','termination-date'),code('property','action-effective-date')]),
 ('lookup','lookup-terminated-version-2023','lookup',None,[uri('system',S),code('code','A9155'),s('version','2023-01'),code('property','inactive'),code('property','termination-date')]),
 ('lookup','lookup-version-2023-display','lookup',None,[uri('system',S),code('code','A4561'),s('version','2023-01'),code('property','designation')]),
 ('lookup','lookup-version-2025-display','lookup',None,[uri('system',S),code('code','A4561'),s('version','2025-10'),code('property','designation')]),
 ('lookup','lookup-coding-version','lookup',None,[coding('coding',system=S,version='2023-01',code='A4561'),code('property','action-effective-date')]),
 ('lookup','lookup-date-before-termination','lookup',None,[uri('system',S),code('code','C9803'),s('version','2025-10'),dt('date','2023-06-01'),code('property','inactive'),code('property','termination-date')]),
 ('lookup','lookup-date-selects-release','lookup',None,[uri('system',S),code('code','A4561'),dt('date','2024-06-15'),code('property','inactive')]),
 ('lookup','lookup-alias-https','lookup',None,[uri('system',SHTTPS),code('code','J1100'),code('property','kind')]),
 ('lookup','lookup-alias-oid','lookup',None,[uri('system',OID),code('code','J1100'),code('property','kind')]),
 ('lookup','lookup-supplement','lookup',None,[uri('system',COV),code('code','I')]),
 ('lookup','lookup-unknown-code','lookup','4xx',[uri('system',S),code('code','A9998')]),
 ('lookup','lookup-lowercase-code','lookup','4xx',[uri('system',S),code('code','e0114')]),
 ('lookup','lookup-code-not-in-version','lookup','4xx',[uri('system',S),code('code','A2019'),s('version','2023-01')]),
 ('lookup','lookup-unknown-system','lookup','4xx',[uri('system','http://example.org/fhir/CodeSystem/unknown'),code('code','E0114')]),
 ('lookup','lookup-unknown-version','lookup','4xx',[uri('system',S),code('code','E0114'),s('version','2019-07')]),
 # CodeSystem $validate-code
 ('cs-validate','cs-code-good','cs-validate-code',None,[uri('url',S),code('code','E0114')]),
 ('cs-validate','cs-code-good-display','cs-validate-code',None,[uri('url',S),code('code','E0114'),s('display',E0114_L)]),
 ('cs-validate','cs-code-good-short-display','cs-validate-code',None,[uri('url',S),code('code','E0114'),s('display',E0114_S)]),
 ('cs-validate','cs-code-good-modifier','cs-validate-code',None,[uri('url',S),code('code','RT')]),
 ('cs-validate','cs-code-bad-code','cs-validate-code',None,[uri('url',S),code('code','E0114X')]),
 ('cs-validate','cs-code-lowercase','cs-validate-code',None,[uri('url',S),code('code','e0114')]),
 ('cs-validate','cs-code-bad-display','cs-validate-code',None,[uri('url',S),code('code','E0114'),s('display','Crutches, wooden')]),
 ('cs-validate','cs-code-bad-display-ws','cs-validate-code',None,[uri('url',S),code('code','E0114'),s('display','Crutches underarm,  other than wood, adjustable or fixed, pair, with pads, tips and handgrips')]),
 ('cs-validate','cs-code-display-case','cs-validate-code',None,[uri('url',S),code('code','E0114'),s('display','crutch underarm pair no wood')]),
 ('cs-validate','cs-code-bad-display-lenient','cs-validate-code',None,[uri('url',S),code('code','E0114'),s('display','Crutches, wooden'),b('lenient-display-validation',True)]),
 ('cs-validate','cs-code-display-data-whitespace','cs-validate-code',None,[uri('url',S),code('code','G0108'),s('display','Diab manage trn  per indiv')]),
 ('cs-validate','cs-code-inactive','cs-validate-code',None,[uri('url',S),code('code','A9155')]),
 ('cs-validate','cs-code-inactive-version-2023','cs-validate-code',None,[uri('url',S),code('code','A9155'),s('version','2023-01')]),
 ('cs-validate','cs-code-not-in-version','cs-validate-code',None,[uri('url',S),code('code','A2019'),s('version','2023-01')]),
 ('cs-validate','cs-code-version-display','cs-validate-code',None,[uri('url',S),code('code','A4561'),s('version','2023-01'),s('display','Pessary, reusable, rubber, any type')]),
 ('cs-validate','cs-code-unknown-version','cs-validate-code',None,[uri('url',S),code('code','E0114'),s('version','2019-07')]),
 ('cs-validate','cs-code-unknown-system','cs-validate-code',None,[uri('url','http://example.org/fhir/CodeSystem/unknown'),code('code','E0114')]),
 ('cs-validate','cs-code-date-before-added','cs-validate-code',None,[uri('url',S),code('code','A2019'),s('version','2025-10'),dt('date','2023-02-01')]),
 ('cs-validate','cs-code-date-after-termination','cs-validate-code',None,[uri('url',S),code('code','C9803'),dt('date','2025-11-01')]),
 ('cs-validate','cs-code-date-before-termination','cs-validate-code',None,[uri('url',S),code('code','C9803'),s('version','2025-10'),dt('date','2023-06-01')]),
 ('cs-validate','cs-coding-good','cs-validate-code',None,[coding('coding',system=S,version='2023-01',code='A4561',display='Pessary, rubber, any type')]),
 ('cs-validate','cs-coding-bad-code','cs-validate-code',None,[coding('coding',system=S,code='E0114X')]),
 ('cs-validate','cs-alias-https','cs-validate-code',None,[uri('url',SHTTPS),code('code','E0114')]),
 ('cs-validate','cs-alias-oid','cs-validate-code',None,[uri('url',OID),code('code','E0114')]),
 ('cs-validate','cs-codeableconcept-good','cs-validate-code',None,[cc('codeableConcept',{'system':S,'code':'J1100'})]),
 ('cs-validate','cs-supplement-good','cs-validate-code',None,[uri('url',COV),code('code','I'),s('display','Not payable by Medicare')]),
 # ValueSet $validate-code
 ('vs-validate','vs-code-good','validate-code',None,[uri('url',THO),uri('system',S),code('code','E0114')]),
 ('vs-validate','vs-code-good-fhir-vs','validate-code',None,[uri('url',FVS),uri('system',S),code('code','LT'),s('display','Left side')]),
 ('vs-validate','vs-code-bad-code','validate-code',None,[uri('url',THO),uri('system',S),code('code','E0114X')]),
 ('vs-validate','vs-code-lowercase','validate-code',None,[uri('url',THO),uri('system',S),code('code','j1100')]),
 ('vs-validate','vs-code-bad-display','validate-code',None,[uri('url',THO),uri('system',S),code('code','J1100'),s('display','Dexamethasone 1 mg')]),
 ('vs-validate','vs-code-bad-display-ws','validate-code',None,[uri('url',THO),uri('system',S),code('code','J1100'),s('display','Injection, dexamethasone sodium phosphate, 1 mg ')]),
 ('vs-validate','vs-code-bad-display-lenient','validate-code',None,[uri('url',THO),uri('system',S),code('code','J1100'),s('display','Dexamethasone 1 mg'),b('lenient-display-validation',True)]),
 ('vs-validate','vs-code-inactive','validate-code',None,[uri('url',THO),uri('system',S),code('code','A4397')]),
 ('vs-validate','vs-coding-inactive','validate-code',None,[uri('url',FVS),coding('coding',system=S,code='C9803')]),
 ('vs-validate','vs-code-systemVersion','validate-code',None,[uri('url',THO),uri('system',S),code('code','A4561'),s('systemVersion','2023-01')]),
 ('vs-validate','vs-code-systemVersion-not-in-version','validate-code',None,[uri('url',THO),uri('system',S),code('code','A2019'),s('systemVersion','2023-01')]),
 ('vs-validate','vs-code-systemVersion-unknown','validate-code',None,[uri('url',THO),uri('system',S),code('code','E0114'),s('systemVersion','2024-13')]),
 ('vs-validate','vs-code-date','validate-code',None,[uri('url',THO),uri('system',S),code('code','A9155'),dt('date','2024-01-15')]),
 ('vs-validate','vs-coding-good','validate-code',None,[uri('url',THO),coding('coding',system=S,code='G0124',display='Screen c/v thin layer by md')]),
 ('vs-validate','vs-coding-alias-https','validate-code',None,[uri('url',THO),coding('coding',system=SHTTPS,code='G0124')]),
 ('vs-validate','vs-coding-bad-system','validate-code',None,[uri('url',THO),coding('coding',system=CPT,code='99213')]),
 ('vs-validate','vs-codeableconcept-mixed','validate-code',None,[uri('url',THO),cc('codeableConcept',{'system':CPT,'code':'99213'},{'system':S,'code':'G0108'})]),
 ('vs-validate','vs-codeableconcept-all-bad','validate-code',None,[uri('url',THO),cc('codeableConcept',{'system':S,'code':'E0114X'},{'system':S,'code':'e0114'})]),
 ('vs-validate','vs-unknown-valueset','validate-code','4xx',[uri('url','http://example.org/fhir/ValueSet/unknown'),uri('system',S),code('code','E0114')]),
]
EXTRA = [
 ('vs-validate','vs-coding-supplement-system','validate-code',None,[uri('url',THO),coding('coding',system=COV,code='I')]),
 ('vs-validate','vs-code-system-version-canonical','validate-code',None,[uri('url',THO),uri('system',S),code('code','A4561'),uri('system-version',S+'|2023-01')]),
 ('vs-validate','vs-coding-force-system-version','validate-code',None,[uri('url',THO),coding('coding',system=S,version='2025-10',code='A4561'),uri('force-system-version',S+'|2023-01')]),
 ('vs-validate','vs-coding-version-in-coding','validate-code',None,[uri('url',FVS),coding('coding',system=S,version='2023-01',code='A2019')]),
 ('cs-validate','cs-code-display-data-whitespace-normalised','cs-validate-code',None,[uri('url',S),code('code','G0108'),s('display','Diab manage trn per indiv')]),
 ('cs-validate','cs-codeableconcept-bad-display','cs-validate-code',None,[cc('codeableConcept',{'system':S,'code':'J1100','display':'Dexamethasone'})]),
]
CASES += EXTRA

# ---- the CMS data, read independently of the server ----
y25 = {r['HCPC'].strip(): r for r in read_xlsx_rows(os.path.join(DATA_DIR, '2025-10_quarterly', 'HCPC2025_OCT_ANWEB.xlsx'))}
with open(os.path.join(DATA_DIR, '2023-01_quarterly', 'HCPC2023_JAN_ANWEB_v3.csv'), newline='') as f:
    y23 = {r['HCPC'].strip(): r for r in csv.DictReader(f)}
DATA = {'2025-10': y25, '2023-01': y23}
def tsv(name, col='description'):
    with open(os.path.join(LK, name), newline='') as f:
        return {r['code']: r[col] for r in csv.DictReader(f, delimiter='\t')}
TABLES = {  # property -> (supplement id, meanings)
    'pricing-indicator': ('pricing-indicator', tsv('pricing_indicator.tsv')),
    'multiple-pricing-indicator': ('multiple-pricing-indicator', tsv('multiple_pricing_indicator.tsv')),
    'lab-certification': ('lab-certification', tsv('lab_certification_code.tsv')),
    'coverage': ('coverage', tsv('coverage_code.tsv')),
    'processing-note': ('processing-note', None),  # neither release ships proc_notes: no display
    'betos': ('betos', tsv('betos.tsv')),
    'type-of-service': ('type-of-service', tsv('type_of_service.tsv')),
    'action-code': ('action-code', tsv('action_code.tsv')),
}
SUPP = 'http://hcpcs-server.org/fhir/CodeSystem/hcpcs-'
MID = 'http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id'
TXT = 'http://hl7.org/fhir/tools/CodeSystem/tx-issue-type'

def row(code, ver): return DATA[ver][code]
def long(code, ver): return row(code, ver)['LONG DESCRIPTION']
def short(code, ver): return row(code, ver)['SHORT DESCRIPTION']
def ymd(v): return f'{v[0:4]}-{v[4:6]}-{v[6:8]}'
def frag(text):
    """A $fragments$ template: the text must contain every '|'-separated part, ignoring case."""
    assert '$' not in text, text
    return '$fragments:' + text + '$'

def properties(code, ver):
    """The contract's property list for one CMS record, in column order."""
    r = row(code, ver)
    out = []
    def add(pcode, vtype, value):
        out.append((pcode, vtype, value))
    add('kind', 'code', 'modifier' if r['RECID'] in ('7', '8') else 'procedure')
    add('inactive', 'boolean', bool(r['TERM DT'].strip()))
    for pcode, cols in [('pricing-indicator', ['PRICE1', 'PRICE2', 'PRICE3', 'PRICE4']), ('multiple-pricing-indicator', ['MULT_PI'])]:
        for c in cols:
            if r[c].strip(): add(pcode, 'Coding', r[c].strip())
    for pcode, cols in [('coverage-issues-manual', ['CIM1', 'CIM2', 'CIM3']), ('medicare-carriers-manual', ['MCM1', 'MCM2', 'MCM3']), ('statute', ['STATUTE'])]:
        for c in cols:
            if r[c].strip(): add(pcode, 'string', r[c].strip())
    for c in ['LABCERT%d' % i for i in range(1, 9)]:
        if r[c].strip(): add('lab-certification', 'Coding', r[c].strip())
    for c in ['XREF%d' % i for i in range(1, 6)]:
        if r[c].strip(): add('cross-reference', 'Coding', r[c].strip())
    if r['COV'].strip(): add('coverage', 'Coding', r['COV'].strip())
    assert not r['ASC_GRP'].strip() and not r['OPPS'].strip(), 'extend the generator for ASC/OPPS'
    if r['PROCNOTE'].strip(): add('processing-note', 'Coding', r['PROCNOTE'].strip())
    if r['BETOS'].strip(): add('betos', 'Coding', r['BETOS'].strip())
    for c in ['TOS%d' % i for i in range(1, 6)]:
        if r[c].strip(): add('type-of-service', 'Coding', r[c].strip())
    if r['ANEST_BU'].strip(): add('anesthesia-base-units', 'integer', int(r['ANEST_BU']))
    if r['ADD DT'].strip(): add('added-date', 'dateTime', ymd(r['ADD DT'].strip()))
    if r['ACT EFF DT'].strip(): add('action-effective-date', 'dateTime', ymd(r['ACT EFF DT'].strip()))
    if r['TERM DT'].strip(): add('termination-date', 'dateTime', ymd(r['TERM DT'].strip()))
    if r['ACTION CD'].strip(): add('action-code', 'Coding', r['ACTION CD'].strip())
    return out

def prop_param(pcode, vtype, value):
    parts = [{'name': 'code', 'valueCode': pcode}]
    if vtype == 'Coding':
        if pcode == 'cross-reference':
            cod = {'$optional-properties$': ['display'], 'system': S, 'code': value}
            parts.append({'name': 'value', 'valueCoding': cod})
        else:
            table, meanings = TABLES[pcode]
            cod = {'system': SUPP + table, 'code': value}
            if meanings is None:
                cod['$optional-properties$'] = ['display']
                parts.append({'name': 'value', 'valueCoding': cod})
                parts.append({'$optional$': True, 'name': 'description', 'valueString': '$string$'})
            else:
                cod['display'] = frag(meanings[value])
                parts.append({'name': 'value', 'valueCoding': cod})
                parts.append({'name': 'description', 'valueString': frag(meanings[value])})
    else:
        key = {'code': 'valueCode', 'boolean': 'valueBoolean', 'string': 'valueString', 'integer': 'valueInteger', 'dateTime': 'valueDateTime'}[vtype]
        parts.append({'name': 'value', key: value})
    return {'name': 'property', 'part': parts}

def designation(code, ver):
    return {'name': 'designation', 'part': [
        {'name': 'language', 'valueCode': 'en'},
        {'name': 'use', 'valueCoding': {'$optional-properties$': ['display'], 'system': SUPP + 'designation-use', 'code': 'short-description'}},
        {'name': 'value', 'valueString': short(code, ver)}]}

def lookup_expected(code, ver, props='*', desig=True, inactive_override=None):
    ps = [
        {'name': 'name', 'valueString': 'HCPCSLevelII'},
        {'name': 'version', 'valueString': ver},
        {'name': 'display', 'valueString': long(code, ver)},
        {'$optional$': True, 'name': 'code', 'valueCode': code},
        {'$optional$': True, 'name': 'system', 'valueUri': S},
        {'$optional$': True, 'name': 'abstract', 'valueBoolean': False},
    ]
    if desig:
        ps.append(designation(code, ver))
    for pcode, vtype, value in properties(code, ver):
        if props != '*' and pcode not in props:
            continue
        if pcode == 'inactive' and inactive_override is not None:
            value = inactive_override
        ps.append(prop_param(pcode, vtype, value))
    return params(ps)

def params(ps): return {'resourceType': 'Parameters', 'parameter': ps}

def issue(sev, code, tx, mid, text, expr=None, optional=False):
    i = {}
    if optional: i['$optional$'] = True
    i['$optional-properties$'] = ['location']
    if mid: i['extension'] = [{'$optional$': True, 'url': MID, 'valueString': mid}]
    i['severity'] = sev
    i['code'] = code
    d = {}
    if tx: d['coding'] = [{'system': TXT, 'code': tx}]
    d['text'] = text
    i['details'] = d
    if expr:
        i['location'] = [expr]
        i['expression'] = [expr]
    return i

def issues(*iss): return {'name': 'issues', 'resource': {'resourceType': 'OperationOutcome', 'issue': list(iss)}}
def outcome(*iss): return {'resourceType': 'OperationOutcome', 'issue': list(iss)}

def vc(result, code=None, system=S, version=None, display=None, message=None, iss=None, inactive=None, extra=(), cc=None, optional_echo=False):
    ps = [{'name': 'result', 'valueBoolean': result}]
    if message is not None: ps.append({'name': 'message', 'valueString': message})
    if cc is not None: ps.append({'name': 'codeableConcept', 'valueCodeableConcept': cc})
    def opt(p):
        if optional_echo: p = dict({'$optional$': True}, **p)
        return p
    if code is not None: ps.append(opt({'name': 'code', 'valueCode': code}))
    if system is not None: ps.append(opt({'name': 'system', 'valueUri': system}))
    if version is not None: ps.append(opt({'name': 'version', 'valueString': version}))
    if display is not None: ps.append(opt({'name': 'display', 'valueString': display}))
    if inactive is not None:
        ps.append(inactive)
        if inactive.get('valueBoolean') is True: ps.append(STATUS_OUT)
    if iss: ps.append(issues(*iss))
    ps.extend(extra)
    return params(ps)

# ---- message texts (tx.fhir.org wording) ----
def unknown_code(code, ver): return f"Unknown code '{code}' in the CodeSystem '{S}' version '{ver}'"
def not_in_vs(system, code, vs): return f"The provided code '{system}#{code}' was not found in the value set '{vs}'"
def wrong_display(code, given, valid):
    if len(valid) == 1:
        return f"Wrong Display Name '{given}' for {S}#{code}. Valid display is '{valid[0]}' (en) (for the language(s) '--')"
    return f"Wrong Display Name '{given}' for {S}#{code}. Valid display is one of {len(valid)} choices: " + ' or '.join(f"'{v}' (en)" for v in valid) + " (for the language(s) '--')"
def wrong_ws(code, given, valid): return f"Wrong whitespace in Display Name '{given}' for {S}#{code}. Valid display is '{valid}' (en) (for the language(s) '--')"
def inactive_msg(code): return f"The concept '{code}' has a status of inactive and its use should be reviewed"
def unknown_system(system): return f"A definition for CodeSystem '{system}' could not be found, so the code cannot be validated"
def unknown_version(ver): return f"A definition for CodeSystem '{S}' version '{ver}' could not be found, so the code cannot be validated. Valid versions: 2023-01 or 2025-10"
def no_valid_coding(vs): return f"No valid coding was found for the value set '{vs}'"
def displays(code, ver): return [long(code, ver), short(code, ver)]
INACTIVE_OUT = {'name': 'inactive', 'valueBoolean': True}
# tx requirements.md asks for `status` beside inactive; the tx tests leave it optional.
STATUS_OUT = {'$optional$': True, 'name': 'status', 'valueCode': '$choice:inactive|retired$'}

def terminated_info(code, ver, expr):
    return issue('information', 'informational', None, 'HCPCS_TERMINATED', frag(f"{code}|{ymd(row(code, ver)['TERM DT'])}"), expr, optional=True)
def alias_info(alias, expr):
    return issue('information', 'informational', None, 'HCPCS_SYSTEM_ALIAS', frag(alias + '|' + S), expr, optional=True)
def case_hint(bad, good, expr):
    return issue('information', 'code-invalid', 'invalid-code', 'HCPCS_CODE_CASE', frag(f"{bad}|{good}"), expr, optional=True)

E = {}  # name -> (description, expected resource)
def exp(name, desc, res): E[name] = (desc, res)

L25, L23 = '2025-10', '2023-01'
# ---------------- lookup ----------------
exp('lookup-good', 'S9327 with no property parameter: every non-blank CMS column of the 2025-10 record, the short description as a designation', lookup_expected('S9327', L25))
exp('lookup-property-all', 'E0114 with property=*: CIM, MCM and three type-of-service entries in column order', lookup_expected('E0114', L25))
exp('lookup-property-some', 'G0124 asking for three properties: two pricing indicators (PRICE1, PRICE2), one lab certification, inactive; nothing else', lookup_expected('G0124', L25, props={'pricing-indicator', 'lab-certification', 'inactive'}, desig=False))
exp('lookup-cross-reference', 'A0021: XREF1 is a Coding in the HCPCS system', lookup_expected('A0021', L25, props={'cross-reference'}, desig=False))
exp('lookup-modifier', 'LT is a modifier (RECID 7) of the same CodeSystem; no pricing columns', lookup_expected('LT', L25))
exp('lookup-terminated', 'A9155 terminated 2025-03-31: inactive=true in 2025-10', lookup_expected('A9155', L25, props={'inactive', 'termination-date', 'action-effective-date'}, desig=False))
exp('lookup-terminated-version-2023', 'A9155 in the 2023-01 release: still active, no termination date', lookup_expected('A9155', L23, props={'inactive', 'termination-date'}, desig=False))
exp('lookup-version-2023-display', 'A4561 display and short description as of 2023-01', lookup_expected('A4561', L23, props={'designation'}))
exp('lookup-version-2025-display', 'A4561 display and short description as of 2025-10 (CMS changed both)', lookup_expected('A4561', L25, props={'designation'}))
exp('lookup-coding-version', 'coding with version 2023-01 selects that release', lookup_expected('A4561', L23, props={'action-effective-date'}, desig=False))
exp('lookup-date-before-termination', 'C9803 in 2025-10 as of 2023-06-01: not yet terminated on that date (terminated 2023-12-31)', lookup_expected('C9803', L25, props={'inactive', 'termination-date'}, desig=False, inactive_override=False))
exp('lookup-date-selects-release', 'date=2024-06-15 without version: the release in effect on that day is 2023-01', lookup_expected('A4561', L23, props={'inactive'}, desig=False))
exp('lookup-alias-https', 'the https form of the system URL is the same code system; the answer uses the canonical http URL', lookup_expected('J1100', L25, props={'kind'}, desig=False))
exp('lookup-alias-oid', 'urn:oid:2.16.840.1.113883.6.285 is the same code system', lookup_expected('J1100', L25, props={'kind'}, desig=False))
exp('lookup-supplement', 'a supplementary code system (coverage codes) served by this server', params([
    {'name': 'name', 'valueString': '$string$'},
    {'name': 'display', 'valueString': tsv('coverage_code.tsv')['I']},
    {'$optional$': True, 'name': 'code', 'valueCode': 'I'},
    {'$optional$': True, 'name': 'system', 'valueUri': COV},
    {'$optional$': True, 'name': 'abstract', 'valueBoolean': False}]))
def lookup_404(*fr):
    return outcome(issue('error', 'not-found', None, None, frag('|'.join(fr))) | {'details': {'$optional-properties$': ['coding'], 'coding': [{'system': TXT, 'code': 'not-found'}], 'text': frag('|'.join(fr))}})
exp('lookup-unknown-code', 'A9998 is in no release: 4xx not-found', lookup_404("'A9998'", L25))
exp('lookup-lowercase-code', 'HCPCS is case-sensitive: e0114 is unknown (4xx)', lookup_404("'e0114'"))
exp('lookup-code-not-in-version', 'A2019 was added 2023-04-01, so the 2023-01 release does not have it (4xx)', lookup_404("'A2019'", L23))
exp('lookup-unknown-system', 'an unknown code system: 4xx not-found', lookup_404('http://example.org/fhir/CodeSystem/unknown'))
exp('lookup-unknown-version', 'version 2019-07 is not loaded: 4xx not-found naming it', lookup_404("'2019-07'"))

# ---------------- CodeSystem $validate-code ----------------
def good(code, ver, display=None, **kw):
    return vc(True, code=code, version=ver, display=display or long(code, ver), **kw)
exp('cs-code-good', 'url + code, no display', good('E0114', L25))
exp('cs-code-good-display', 'the long description is the display', good('E0114', L25))
exp('cs-code-good-short-display', 'the short description (a designation) is also a valid display', good('E0114', L25))
exp('cs-code-good-modifier', 'a modifier validates like a procedure code', good('RT', L25))
exp('cs-code-bad-code', 'E0114X is not a code', vc(False, code='E0114X', version=L25, message=unknown_code('E0114X', L25),
    iss=[issue('error', 'code-invalid', 'invalid-code', 'Unknown_Code_in_Version', unknown_code('E0114X', L25), 'code')]))
exp('cs-code-lowercase', 'HCPCS is case-sensitive: e0114 is unknown; a hint may name E0114', vc(False, code='e0114', version=L25, message=unknown_code('e0114', L25),
    iss=[issue('error', 'code-invalid', 'invalid-code', 'Unknown_Code_in_Version', unknown_code('e0114', L25), 'code'), case_hint('e0114', 'E0114', 'code')]))
m = wrong_display('E0114', 'Crutches, wooden', displays('E0114', L25))
exp('cs-code-bad-display', 'a wrong display: result false, invalid-display error listing both valid displays', vc(False, code='E0114', version=L25, display=long('E0114', L25), message=m,
    iss=[issue('error', 'invalid', 'invalid-display', 'Display_Name_for__should_be_one_of__instead_of', m, 'display')]))
given = long('E0114', L25).replace(', ', ',  ', 1)
m = wrong_ws('E0114', given, long('E0114', L25))
exp('cs-code-bad-display-ws', 'a display that differs only in whitespace is still wrong (tx: Display_Name_WS)', vc(False, code='E0114', version=L25, display=long('E0114', L25), message=m,
    iss=[issue('error', 'invalid', 'invalid-display', 'Display_Name_WS_for__should_be_one_of__instead_of', m, 'display')]))
m = "$fragments:crutch underarm pair no wood|" + short('E0114', L25) + "$"
exp('cs-code-display-case', 'a display differing only in case from the short description: accepted with a warning (server policy)', vc(True, code='E0114', version=L25, display=long('E0114', L25), message=m,
    iss=[issue('warning', 'invalid', 'invalid-display', 'HCPCS_DISPLAY_CASE', m, 'display')]))
m = wrong_display('E0114', 'Crutches, wooden', displays('E0114', L25))
exp('cs-code-bad-display-lenient', 'lenient-display-validation=true: a wrong display is a warning and result is true', vc(True, code='E0114', version=L25, display=long('E0114', L25), message=m,
    iss=[issue('warning', 'invalid', 'invalid-display', 'Display_Name_for__should_be_one_of__instead_of', m, 'display')]))
exp('cs-code-display-data-whitespace', "G0108's CMS short description has a double space; sent exactly, it is valid", good('G0108', L25))
m = wrong_ws('G0108', 'Diab manage trn per indiv', short('G0108', L25))
exp('cs-code-display-data-whitespace-normalised', 'the same short description with the double space collapsed is a whitespace error', vc(False, code='G0108', version=L25, display=long('G0108', L25), message=m,
    iss=[issue('error', 'invalid', 'invalid-display', 'Display_Name_WS_for__should_be_one_of__instead_of', m, 'display')]))
exp('cs-code-inactive', 'A9155 is terminated in 2025-10: valid, inactive=true, warning INACTIVE_CONCEPT_FOUND', vc(True, code='A9155', version=L25, display=long('A9155', L25), message=inactive_msg('A9155'), inactive=INACTIVE_OUT,
    iss=[issue('warning', 'business-rule', 'code-comment', 'INACTIVE_CONCEPT_FOUND', inactive_msg('A9155'), 'code'), terminated_info('A9155', L25, 'code')]))
exp('cs-code-inactive-version-2023', 'A9155 in 2023-01 is active: no warning', good('A9155', L23))
exp('cs-code-not-in-version', 'A2019 is not in 2023-01', vc(False, code='A2019', version=L23, message=unknown_code('A2019', L23),
    iss=[issue('error', 'code-invalid', 'invalid-code', 'Unknown_Code_in_Version', unknown_code('A2019', L23), 'code')]))
m = wrong_display('A4561', long('A4561', L25), displays('A4561', L23))
exp('cs-code-version-display', "the 2025-10 display of A4561 is wrong for version 2023-01", vc(False, code='A4561', version=L23, display=long('A4561', L23), message=m,
    iss=[issue('error', 'invalid', 'invalid-display', 'Display_Name_for__should_be_one_of__instead_of', m, 'display')]))
exp('cs-code-unknown-version', 'version 2019-07 is not loaded: result false, not-found, x-caused-by-unknown-system url|version', vc(False, code='E0114', version='2019-07', message=unknown_version('2019-07'),
    iss=[issue('error', 'not-found', 'not-found', 'UNKNOWN_CODESYSTEM_VERSION', unknown_version('2019-07'), 'version')],
    extra=[{'name': 'x-caused-by-unknown-system', 'valueCanonical': S + '|2019-07'}]))
U = 'http://example.org/fhir/CodeSystem/unknown'
exp('cs-code-unknown-system', 'an unknown code system url: result false, not-found, x-caused-by-unknown-system', vc(False, code='E0114', system=U, message=unknown_system(U),
    iss=[issue('error', 'not-found', 'not-found', 'UNKNOWN_CODESYSTEM', unknown_system(U), 'system')],
    extra=[{'name': 'x-caused-by-unknown-system', 'valueCanonical': U}]))
m = frag("'A2019'|2023-02-01|2023-04-01")
exp('cs-code-date-before-added', 'A2019 was added 2023-04-01 (ADD DT): on 2023-02-01 it was not in effect', vc(False, code='A2019', version=L25, display=long('A2019', L25), message=m,
    inactive={'$optional$': True, 'name': 'inactive', 'valueBoolean': True},
    iss=[issue('error', 'business-rule', 'code-rule', 'HCPCS_CODE_NOT_YET_IN_EFFECT', m, 'code')]))
exp('cs-code-date-after-termination', 'C9803 (terminated 2023-12-31) on 2025-11-01: release 2025-10, inactive', vc(True, code='C9803', version=L25, display=long('C9803', L25), message=inactive_msg('C9803'), inactive=INACTIVE_OUT,
    iss=[issue('warning', 'business-rule', 'code-comment', 'INACTIVE_CONCEPT_FOUND', inactive_msg('C9803'), 'code'), terminated_info('C9803', L25, 'code')]))
exp('cs-code-date-before-termination', 'C9803 in 2025-10 on 2023-06-01: still active that day', good('C9803', L25))
exp('cs-coding-good', 'coding with version 2023-01 and the 2023 display', good('A4561', L23))
exp('cs-coding-bad-code', 'coding form: issue expressions are Coding.code', vc(False, code='E0114X', version=L25, message=unknown_code('E0114X', L25),
    iss=[issue('error', 'code-invalid', 'invalid-code', 'Unknown_Code_in_Version', unknown_code('E0114X', L25), 'Coding.code')]))
exp('cs-alias-https', 'url in its https form: valid, answered with the canonical system', good('E0114', L25, iss=[alias_info(SHTTPS, 'system')]))
exp('cs-alias-oid', 'url as urn:oid: valid, answered with the canonical system', good('E0114', L25, iss=[alias_info(OID, 'system')]))
exp('cs-codeableconcept-good', 'codeableConcept with one HCPCS coding; the concept is echoed', good('J1100', L25, cc={'coding': [{'system': S, 'code': 'J1100'}]}))
m = wrong_display('J1100', 'Dexamethasone', displays('J1100', L25))
exp('cs-codeableconcept-bad-display', 'codeableConcept with a wrong display: expression CodeableConcept.coding[0].display', vc(False, code='J1100', version=L25, display=long('J1100', L25), message=m, optional_echo=True,
    cc={'coding': [{'system': S, 'code': 'J1100', 'display': 'Dexamethasone'}]},
    iss=[issue('error', 'invalid', 'invalid-display', 'Display_Name_for__should_be_one_of__instead_of', m, 'CodeableConcept.coding[0].display')]))
exp('cs-supplement-good', 'a code of a supplementary code system, with its display', vc(True, code='I', system=COV, display=tsv('coverage_code.tsv')['I']))

# ---------------- ValueSet $validate-code ----------------
exp('vs-code-good', 'E0114 is in the THO all-HCPCS value set', good('E0114', L25))
exp('vs-code-good-fhir-vs', 'the implicit value set system?fhir_vs, with the short description of a modifier', good('LT', L25))
def vs_bad_code(code, ver, vs, expr='code', extra_iss=(), coding_version=None):
    # tx.fhir.org quotes a coding's own version in the not-in-vs text: system|version#code
    sysv = S + '|' + coding_version if coding_version else S
    return vc(False, code=code, version=ver, message=not_in_vs(sysv, code, vs) + '; ' + unknown_code(code, ver),
        iss=[issue('error', 'code-invalid', 'not-in-vs', 'None_of_the_provided_codes_are_in_the_value_set_one', not_in_vs(sysv, code, vs), expr),
             issue('error', 'code-invalid', 'invalid-code', 'Unknown_Code_in_Version', unknown_code(code, ver), expr)] + list(extra_iss))
exp('vs-code-bad-code', 'an unknown code: not-in-vs and invalid-code errors', vs_bad_code('E0114X', L25, THO))
exp('vs-code-lowercase', 'j1100 is not J1100', vs_bad_code('j1100', L25, THO, extra_iss=[case_hint('j1100', 'J1100', 'code')]))
m = wrong_display('J1100', 'Dexamethasone 1 mg', displays('J1100', L25))
exp('vs-code-bad-display', 'wrong display against the value set', vc(False, code='J1100', version=L25, display=long('J1100', L25), message=m,
    iss=[issue('error', 'invalid', 'invalid-display', 'Display_Name_for__should_be_one_of__instead_of', m, 'display')]))
m = wrong_ws('J1100', long('J1100', L25) + ' ', long('J1100', L25))
exp('vs-code-bad-display-ws', 'a trailing space is a whitespace difference', vc(False, code='J1100', version=L25, display=long('J1100', L25), message=m,
    iss=[issue('error', 'invalid', 'invalid-display', 'Display_Name_WS_for__should_be_one_of__instead_of', m, 'display')]))
m = wrong_display('J1100', 'Dexamethasone 1 mg', displays('J1100', L25))
exp('vs-code-bad-display-lenient', 'lenient-display-validation: warning, result true', vc(True, code='J1100', version=L25, display=long('J1100', L25), message=m,
    iss=[issue('warning', 'invalid', 'invalid-display', 'Display_Name_for__should_be_one_of__instead_of', m, 'display')]))
exp('vs-code-inactive', 'A4397 (terminated 2021-12-31) is in the all-codes value set: valid, inactive', vc(True, code='A4397', version=L25, display=long('A4397', L25), message=inactive_msg('A4397'), inactive=INACTIVE_OUT,
    iss=[issue('warning', 'business-rule', 'code-comment', 'INACTIVE_CONCEPT_FOUND', inactive_msg('A4397'), 'code'), terminated_info('A4397', L25, 'code')]))
exp('vs-coding-inactive', 'coding form: the inactive warning points at Coding (tx inactive-2-validate)', vc(True, code='C9803', version=L25, display=long('C9803', L25), message=inactive_msg('C9803'), inactive=INACTIVE_OUT,
    iss=[issue('warning', 'business-rule', 'code-comment', 'INACTIVE_CONCEPT_FOUND', inactive_msg('C9803'), 'Coding'), terminated_info('C9803', L25, 'Coding')]))
exp('vs-code-systemVersion', 'systemVersion=2023-01 picks the 2023 display', good('A4561', L23))
exp('vs-code-systemVersion-not-in-version', 'A2019 is not in 2023-01', vs_bad_code('A2019', L23, THO))
exp('vs-code-systemVersion-unknown', 'systemVersion 2024-13 does not exist', vc(False, code='E0114', version='2024-13', message=unknown_version('2024-13'),
    iss=[issue('error', 'not-found', 'not-found', 'UNKNOWN_CODESYSTEM_VERSION', unknown_version('2024-13'), 'version')],
    extra=[{'name': 'x-caused-by-unknown-system', 'valueCanonical': S + '|2024-13'}]))
exp('vs-code-system-version-canonical', 'system-version=url|2023-01 (tx ecosystem parameter) selects the release', good('A4561', L23))
exp('vs-coding-force-system-version', 'force-system-version overrides the version in the coding', good('A4561', L23))
exp('vs-coding-version-in-coding', "the coding's own version 2023-01 applies: A2019 is not in it", vs_bad_code('A2019', L23, FVS, expr='Coding.code', coding_version=L23))
exp('vs-code-date', 'date=2024-01-15 selects the release in effect then (2023-01), where A9155 is active', good('A9155', L23))
exp('vs-coding-good', 'coding with the short description as display', good('G0124', L25))
exp('vs-coding-alias-https', 'coding with the https system alias', good('G0124', L25, iss=[alias_info(SHTTPS, 'Coding.system')]))
# A system that is not in the value set's compose: the code is not in the value set whatever that system holds,
# so the unknown system did not cause the failure: x-unknown-system (tx tests validation-simple-coding-bad-system, errors unknown-system2).
exp('vs-coding-bad-system', 'a CPT coding against the HCPCS value set: not-in-vs; the unknown system is reported as x-unknown-system', vc(False, code='99213', system=CPT,
    message=not_in_vs(CPT, '99213', THO) + '; ' + unknown_system(CPT),
    iss=[issue('error', 'code-invalid', 'not-in-vs', 'None_of_the_provided_codes_are_in_the_value_set_one', not_in_vs(CPT, '99213', THO), 'Coding.code'),
         issue('error', 'not-found', 'not-found', 'UNKNOWN_CODESYSTEM', unknown_system(CPT), 'Coding.system')],
    extra=[{'name': 'x-unknown-system', 'valueCanonical': CPT}]))
# A supplementary code system this server serves is not unknown: the code is simply not in the HCPCS value set.
exp('vs-coding-supplement-system', 'a coverage-code coding against the HCPCS value set: not in the value set, and its system is known here', vc(False, code='I', system=COV,
    message=not_in_vs(COV, 'I', THO),
    iss=[issue('error', 'code-invalid', 'not-in-vs', 'None_of_the_provided_codes_are_in_the_value_set_one', not_in_vs(COV, 'I', THO), 'Coding.code')],
    extra=[{'$optional$': True, 'name': 'display', 'valueString': tsv('coverage_code.tsv')['I']}]))
# CodeableConcept: per-coding not-in-vs findings are information/this-code-not-in-vs (tx tests
# validation-simple-codeableconcept-bad-code and -bad-system, validation-complex-codeableconcept-full).
cc_mixed = {'coding': [{'system': CPT, 'code': '99213'}, {'system': S, 'code': 'G0108'}]}
# A coding of an unknown system beside a valid one is an error, so the concept
# is not valid (tx.fhir.org; HL7 tests validation/*-bad-system, issue 8 §4); for a
# system the value set does not name, tx.fhir.org's text has no quotes.
def unknown_system_not_in_vs(system): return f"A definition for CodeSystem {system} could not be found, so the code cannot be validated"
exp('vs-codeableconcept-mixed', 'CPT + HCPCS codings: the HCPCS one is in the value set, but the unknown CPT system is an error', vc(False, code='G0108', version=L25, display=long('G0108', L25), cc=cc_mixed,
    message=unknown_system_not_in_vs(CPT),
    iss=[issue('error', 'not-found', 'not-found', 'UNKNOWN_CODESYSTEM', unknown_system_not_in_vs(CPT), 'CodeableConcept.coding[0].system'),
         issue('information', 'code-invalid', 'this-code-not-in-vs', 'None_of_the_provided_codes_are_in_the_value_set_one', not_in_vs(CPT, '99213', THO), 'CodeableConcept.coding[0].code')],
    extra=[{'name': 'x-caused-by-unknown-system', 'valueCanonical': CPT}]))
cc_bad = {'coding': [{'system': S, 'code': 'E0114X'}, {'system': S, 'code': 'e0114'}]}
exp('vs-codeableconcept-all-bad', 'two unknown codes: no valid coding; per-coding not-in-vs is information', vc(False, cc=cc_bad,
    system=None, message='; '.join([no_valid_coding(THO), unknown_code('E0114X', L25), unknown_code('e0114', L25)]),
    iss=[issue('error', 'code-invalid', 'not-in-vs', 'TX_GENERAL_CC_ERROR_MESSAGE', no_valid_coding(THO)),
         issue('error', 'code-invalid', 'invalid-code', 'Unknown_Code_in_Version', unknown_code('E0114X', L25), 'CodeableConcept.coding[0].code'),
         issue('information', 'code-invalid', 'this-code-not-in-vs', 'None_of_the_provided_codes_are_in_the_value_set_one', not_in_vs(S, 'E0114X', THO), 'CodeableConcept.coding[0].code'),
         issue('error', 'code-invalid', 'invalid-code', 'Unknown_Code_in_Version', unknown_code('e0114', L25), 'CodeableConcept.coding[1].code'),
         issue('information', 'code-invalid', 'this-code-not-in-vs', 'None_of_the_provided_codes_are_in_the_value_set_one', not_in_vs(S, 'e0114', THO), 'CodeableConcept.coding[1].code'),
         case_hint('e0114', 'E0114', 'CodeableConcept.coding[1].code')]))
exp('vs-unknown-valueset', 'an unknown value set url: 4xx not-found (Unable_to_resolve_value_Set_)', outcome(
    issue('error', 'not-found', 'not-found', 'Unable_to_resolve_value_Set_', frag('http://example.org/fhir/ValueSet/unknown'))))

# ---------------- write ----------------
SUITES = collections.OrderedDict([
    ('hcpcs-lookup', ('lookup', 'CodeSystem/$lookup of HCPCS codes and modifiers of the 2025-10 and 2023-01 releases')),
    ('hcpcs-cs-validate', ('cs-validate', 'CodeSystem/$validate-code of HCPCS codes')),
    ('hcpcs-vs-validate', ('vs-validate', 'ValueSet/$validate-code against the all-HCPCS value sets')),
])
# The HL7 runner sorts the server's answer (TxTesterSorters.sortParameters) and
# then matches the template's arrays in order, so a template lists its items in
# that order: parameters by name (property by code, then value; designation by
# language; each lower-cased), the parts of a parameter when the list holds two
# or more (Java's sort only looks at items it compares), the issues of a nested
# OperationOutcome by severity, code, first expression and details.text (a
# $choice:a|b$ severity as a), and the
# "; "-separated parts of a message. A top-level OperationOutcome is not sorted.
def _choice(v):
    # a $choice:a|b$ template sorts as its first choice
    return v[len('$choice:'):].split('|')[0] if v.startswith('$choice:') else v

def _primitive(p):
    for k, v in p.items():
        if k.startswith('value') and not isinstance(v, (dict, list)):
            return str(v).lower() if not isinstance(v, bool) else str(v).lower()
    return None

def _part(p, name):
    for x in p.get('part', []):
        if x.get('name') == name:
            return _primitive(x)
    return None

def _param_key(p):
    n = p.get('name', '')
    if n == 'property':
        return (n, _part(p, 'code') or '', _part(p, 'value') or '')
    if n == 'designation':
        return (n, _part(p, 'language') or '', '')
    return (n, '', '')

def _sort_params(ps):
    if len(ps) >= 2:
        for p in ps:
            if 'part' in p: _sort_params(p['part'])
        ps.sort(key=_param_key)

def runner_order(res):
    if res.get('resourceType') != 'Parameters':
        return res
    ps = res.get('parameter', [])
    _sort_params(ps)
    for p in ps:
        r = p.get('resource')
        if isinstance(r, dict) and r.get('resourceType') == 'OperationOutcome':
            r['issue'].sort(key=lambda i: (_choice(i.get('severity', '')), i.get('code', ''), (i.get('expression') or [''])[0], i.get('details', {}).get('text', '')))
        elif isinstance(r, dict):
            runner_order(r)
        v = p.get('valueString')
        if p.get('name') == 'message' and isinstance(v, str) and '; ' in v and not v.startswith('$'):
            bits = v.split('; ')
            while len(bits) > 1 and bits[-1] == '':
                bits.pop()  # String.split drops trailing empty strings
            p['valueString'] = '; '.join(sorted(bits))
    return res

def dump(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write('\n')
suites = []
for sname, (key, desc) in SUITES.items():
    tests = []
    for suite, name, op, http, ps in CASES:
        if suite != key: continue
        d, res = E.pop(name)
        folder = key
        req = f'{folder}/{name}-request-parameters.json'
        kind = 'outcome' if http else 'parameters'
        resp = f'{folder}/{name}-response-{kind}.json'
        dump(os.path.join(OUT, req), {'resourceType': 'Parameters', 'parameter': ps})
        dump(os.path.join(OUT, resp), runner_order(res))
        t = collections.OrderedDict([('name', name), ('description', d), ('operation', op)])
        if http: t['http-code'] = http
        t['request'] = req
        t['response'] = resp
        tests.append(t)
    suites.append(collections.OrderedDict([('name', sname), ('mode', 'general'), ('description', desc), ('setup', []), ('tests', tests)]))
assert not E, E.keys()
dump(os.path.join(OUT, 'test-cases.json'), collections.OrderedDict([
    ('introduction', 'HCPCS Level II conformance cases in the HL7 tx-ecosystem test format (test-cases.json, request Parameters, expected-response templates). '
        'They need the CMS 2025-10 and 2023-01 releases loaded. Expected values come from the CMS files; see README.md.'),
    ('suites', suites)]))
print(sum(len(s['tests']) for s in suites), 'cases')
