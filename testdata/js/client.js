#!/usr/bin/env node
// client.js: drives hcpcs-server with fhir-kit-client, an off-the-shelf FHIR
// client, the way an application would.
//
//   node client.js <FHIR base URL, e.g. http://127.0.0.1:8080/fhir>
//
// It needs the 2025-10 release loaded. Each check prints "ok" or "FAIL" with
// the reason; the summary line is "client: N passed, M failed", and the exit
// status is 1 when any check failed, 2 on a usage error.
'use strict';

const HCPCS = 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets';
const ALL_HCPCS_VS = 'http://terminology.hl7.org/ValueSet/v3-HealthCareCommonProcedureCodingSystem';
// The CMS long description of S9327 (HCPC2025_OCT_ANWEB.xlsx).
const S9327 = 'Home infusion therapy, intermittent (less than twenty-four hours) pain management infusion; '
  + 'administrative services, professional pharmacy services, care coordination, and all necessary supplies '
  + 'and equipment (drugs and nursing visits coded separately), per diem';

function param(resource, name) {
  return (resource.parameter || []).find((p) => p.name === name);
}

function expect(cond, what) {
  if (!cond) {
    throw new Error(what);
  }
}

function resultOf(resource) {
  expect(resource.resourceType === 'Parameters', `expected Parameters, got ${resource.resourceType}`);
  const r = param(resource, 'result');
  expect(r && typeof r.valueBoolean === 'boolean', 'no boolean `result` parameter');
  return r.valueBoolean;
}

async function main(argv) {
  if (argv.length !== 1) {
    console.error('usage: node client.js <FHIR base URL>');
    return 2;
  }
  const { Client } = await import('fhir-kit-client');
  const client = new Client({ baseUrl: argv[0].replace(/\/$/, '') });

  const checks = [
    ['read CodeSystem/hcpcs-2025-10', async () => {
      const cs = await client.read({ resourceType: 'CodeSystem', id: 'hcpcs-2025-10' });
      expect(cs.resourceType === 'CodeSystem', `resourceType ${cs.resourceType}`);
      expect(cs.id === 'hcpcs-2025-10', `id ${cs.id}`);
      expect(cs.url === HCPCS, `url ${cs.url}`);
      expect(cs.version === '2025-10', `version ${cs.version}`);
      expect(cs.content === 'complete', `content ${cs.content}`);
      expect(Array.isArray(cs.concept) && cs.concept.length === cs.count, `count ${cs.count} but ${cs.concept && cs.concept.length} concepts`);
      const s9327 = cs.concept.find((c) => c.code === 'S9327');
      expect(s9327 && s9327.display === S9327, `S9327 display ${s9327 && JSON.stringify(s9327.display)}`);
    }],
    ['$lookup S9327', async () => {
      const out = await client.operation({
        resourceType: 'CodeSystem', name: '$lookup',
        input: { resourceType: 'Parameters', parameter: [{ name: 'system', valueUri: HCPCS }, { name: 'code', valueCode: 'S9327' }] },
      });
      expect(out.resourceType === 'Parameters', `expected Parameters, got ${out.resourceType}`);
      const display = param(out, 'display');
      expect(display && display.valueString === S9327, `display ${display && JSON.stringify(display.valueString)}`);
      const version = param(out, 'version');
      expect(version && version.valueString === '2025-10', `version ${version && version.valueString}`);
      const pricing = (out.parameter || []).filter((p) => p.name === 'property'
        && (p.part || []).some((x) => x.name === 'code' && x.valueCode === 'pricing-indicator'));
      expect(pricing.length > 0, 'no pricing-indicator property');
      const has00 = pricing.some((p) => (p.part || []).some((x) => x.name === 'value' && x.valueCoding && x.valueCoding.code === '00'));
      expect(has00, `no pricing-indicator with code 00 among ${JSON.stringify(pricing)}`);
    }],
    ['CodeSystem/$validate-code E0114 (GET)', async () => {
      const out = await client.operation({
        resourceType: 'CodeSystem', name: '$validate-code', method: 'GET', input: { url: HCPCS, code: 'E0114' },
      });
      expect(resultOf(out) === true, `result false: ${JSON.stringify(param(out, 'message'))}`);
      const display = param(out, 'display');
      expect(display && display.valueString.startsWith('Crutches underarm'), `display ${display && display.valueString}`);
    }],
    ['CodeSystem/$validate-code of a bad code', async () => {
      const out = await client.operation({
        resourceType: 'CodeSystem', name: '$validate-code',
        input: { resourceType: 'Parameters', parameter: [{ name: 'url', valueUri: HCPCS }, { name: 'code', valueCode: 'E0114X' }] },
      });
      expect(resultOf(out) === false, 'result true for E0114X');
      expect(param(out, 'message'), 'no message for a false result');
      const issues = param(out, 'issues');
      expect(issues && issues.resource && issues.resource.resourceType === 'OperationOutcome', 'no issues OperationOutcome');
    }],
    ['ValueSet/$validate-code E0114', async () => {
      const out = await client.operation({
        resourceType: 'ValueSet', name: '$validate-code',
        input: { resourceType: 'Parameters', parameter: [
          { name: 'url', valueUri: ALL_HCPCS_VS }, { name: 'system', valueUri: HCPCS }, { name: 'code', valueCode: 'E0114' }] },
      });
      expect(resultOf(out) === true, `result false: ${JSON.stringify(param(out, 'message'))}`);
    }],
  ];

  let passed = 0;
  let failed = 0;
  for (const [name, check] of checks) {
    try {
      await check();
      passed++;
      console.log(`ok   ${name}`);
    } catch (e) {
      failed++;
      const body = e.response && e.response.data ? ` ${JSON.stringify(e.response.data).slice(0, 500)}` : '';
      console.log(`FAIL ${name}: ${e.message}${body}`);
    }
  }
  console.log(`client: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (e) => {
  console.error(e);
  process.exitCode = 2;
});
