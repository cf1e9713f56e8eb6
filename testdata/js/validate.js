#!/usr/bin/env node
// validate.js: validates FHIR R4 JSON resources offline with the `fhir`
// package (FHIR.js) and with a recursive "exactly one value[x]" check.
//
//   node validate.js <file|URL>...
//
// A URL is fetched with node's fetch (Accept: application/fhir+json); its
// HTTP status does not matter, so error OperationOutcomes can be validated
// too. Each resource gets one line: "ok" or "FAIL", followed by its
// findings. The exit status is 1 when any resource has an error-severity
// finding, 2 on a usage or fetch error.
'use strict';

const fs = require('node:fs');
const { Fhir, Validator } = require('fhir');

// The R4 data types a value[x] can take (Parameters.parameter.value[x] is
// the widest choice); key "value" + one of these names a value[x] element.
const VALUE_TYPES = new Set([
  'Base64Binary', 'Boolean', 'Canonical', 'Code', 'Date', 'DateTime', 'Decimal', 'Id', 'Instant', 'Integer',
  'Markdown', 'Oid', 'PositiveInt', 'String', 'Time', 'UnsignedInt', 'Uri', 'Url', 'Uuid', 'Address', 'Age',
  'Annotation', 'Attachment', 'CodeableConcept', 'Coding', 'ContactPoint', 'Count', 'Distance', 'Duration',
  'HumanName', 'Identifier', 'Money', 'Period', 'Quantity', 'Range', 'Ratio', 'Reference', 'SampledData',
  'Signature', 'Timing', 'ContactDetail', 'Contributor', 'DataRequirement', 'Expression', 'ParameterDefinition',
  'RelatedArtifact', 'TriggerDefinition', 'UsageContext', 'Dosage', 'Meta',
]);

function valueKeys(obj) {
  return Object.keys(obj).filter((k) => k.startsWith('value') && VALUE_TYPES.has(k.slice(5)));
}

// choiceFindings walks a resource and reports elements whose value[x]
// cardinality is wrong:
//   - any element: at most one value[x];
//   - Parameters.parameter and its parts: exactly one of value[x], resource, part (inv-1);
//   - CodeSystem.concept.property (nested concepts too): exactly one value[x];
//   - extensions: a value[x] or nested extensions, not both and not neither (ext-1).
function choiceFindings(node, path, context, out) {
  if (Array.isArray(node)) {
    node.forEach((item, i) => choiceFindings(item, `${path}[${i}]`, context, out));
    return out;
  }
  if (node === null || typeof node !== 'object') {
    return out;
  }
  const values = valueKeys(node);
  if (values.length > 1) {
    out.push(`${path}: ${values.length} value[x] elements (${values.join(', ')}); at most one is allowed`);
  }
  switch (context) {
    case 'parameter': {
      const n = values.length + ('resource' in node ? 1 : 0) + ('part' in node ? 1 : 0);
      if (n !== 1) {
        out.push(`${path}: a parameter must have exactly one of value[x], resource and part; it has ${n}`);
      }
      break;
    }
    case 'concept.property':
      if (values.length !== 1) {
        out.push(`${path}: a concept property must have exactly one value[x]; it has ${values.length}`);
      }
      break;
    case 'extension': {
      const nested = Array.isArray(node.extension) && node.extension.length > 0;
      if (values.length + (nested ? 1 : 0) !== 1) {
        out.push(`${path}: an extension must have either a value[x] or extensions (ext-1)`);
      }
      break;
    }
    default:
  }
  const resourceType = typeof node.resourceType === 'string' ? node.resourceType : null;
  for (const [key, child] of Object.entries(node)) {
    let ctx = null;
    if ((key === 'parameter' && resourceType === 'Parameters') || (key === 'part' && context === 'parameter')) {
      ctx = 'parameter';
    } else if (key === 'property' && context === 'concept') {
      ctx = 'concept.property';
    } else if (key === 'concept' && (resourceType === 'CodeSystem' || context === 'concept')) {
      ctx = 'concept';
    } else if (key === 'extension' || key === 'modifierExtension') {
      ctx = 'extension';
    }
    choiceFindings(child, `${path}.${key}`, ctx, out);
  }
  return out;
}

// FHIR.js (validator.js, validateProperties) decides whether a required
// choice element such as CodeSystem.concept.property.value[x] is present by
// the truthiness of its value, so `"valueBoolean": false` or
// `"valueInteger": 0` is reported as "Missing property" once for every other
// type of the choice. isFalsyChoice recognises that case: the element being
// checked has the choice with a false, 0 or "" value.
function isFalsyChoice(element, location, message) {
  const m = /\.([A-Za-z]+)\[x\]$/.exec(location || '');
  if (message !== 'Missing property' || !m || element === null || typeof element !== 'object') {
    return false;
  }
  const base = m[1];
  return Object.keys(element).some((k) => k.startsWith(base) && VALUE_TYPES.has(k.slice(base.length))
    && (element[k] === false || element[k] === 0 || element[k] === ''));
}

// Patch FHIR.js's Validator (every instance: it builds new ones for
// contained and Bundle entry resources) to track the element whose
// properties it checks, which is where it raises "Missing property", and to
// drop the false positive as it is raised. Dropping it afterwards is too late:
// on the full HCPCS CodeSystem FHIR.js would pile up ~100,000 of them and
// take minutes.
let falsePositives = 0;
const validateProperties = Validator.prototype.validateProperties;
const addError = Validator.prototype.addError;
Validator.prototype.validateProperties = function validatePropertiesTracked(obj, properties, tree) {
  this.hcpcsElements = this.hcpcsElements || [];
  this.hcpcsElements.push(obj);
  try {
    return validateProperties.call(this, obj, properties, tree);
  } finally {
    this.hcpcsElements.pop();
  }
};
Validator.prototype.addError = function addErrorUnlessFalsyChoice(location, message) {
  const elements = this.hcpcsElements || [];
  if (isFalsyChoice(elements[elements.length - 1], location, message)) {
    falsePositives++;
    return;
  }
  addError.call(this, location, message);
};

async function load(source) {
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source, { headers: { Accept: 'application/fhir+json' } });
    const text = await res.text();
    try {
      return { resource: JSON.parse(text), status: res.status };
    } catch (e) {
      throw new Error(`${source}: HTTP ${res.status}, the body is not JSON: ${text.slice(0, 200)}`);
    }
  }
  return { resource: JSON.parse(fs.readFileSync(source, 'utf8').replace(/^\uFEFF/, '')) };
}

// printGrouped prints messages that differ only in array indexes once, with
// a count and the first location (a CodeSystem repeats them per concept).
function printGrouped(messages) {
  const groups = new Map();
  for (const m of messages) {
    const key = `${m.severity}\u0000${(m.location || '').replace(/\[\d+\]/g, '[]')}\u0000${m.message}`;
    const g = groups.get(key);
    if (g) {
      g.count++;
    } else {
      groups.set(key, { first: m, count: 1 });
    }
  }
  for (const { first, count } of groups.values()) {
    const times = count > 1 ? ` (x${count}, first at)` : '';
    console.log(`    ${first.severity}${times}: ${first.location}: ${first.message}`);
  }
}

async function main(args) {
  if (args.length === 0) {
    console.error('usage: node validate.js <file|URL>...');
    return 2;
  }
  const fhir = new Fhir();
  let failed = 0;
  for (const source of args) {
    let loaded;
    try {
      loaded = await load(source);
    } catch (e) {
      console.error(`ERROR ${source}: ${e.message}`);
      return 2;
    }
    const { resource, status } = loaded;
    const label = `${resource.resourceType || '(no resourceType)'}${resource.id ? '/' + resource.id : ''}`;
    falsePositives = 0;
    const result = fhir.validate(resource, { errorOnUnexpected: true });
    const errors = result.messages.filter((m) => m.severity === 'error' || m.severity === 'fatal');
    const others = result.messages.filter((m) => !errors.includes(m));
    const choice = choiceFindings(resource, resource.resourceType || '$', null, []);
    const ok = errors.length === 0 && choice.length === 0 && typeof resource.resourceType === 'string';
    if (!ok) {
      failed++;
    }
    const http = status === undefined ? '' : ` HTTP ${status}`;
    const note = falsePositives ? `, ${falsePositives} FHIR.js false positives ignored ("Missing property" beside a false/0 value[x])` : '';
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}${http} ${source}: ${errors.length} errors, ${choice.length} value[x] problems, ${others.length} other messages${note}`);
    printGrouped(errors);
    for (const c of choice) {
      console.log(`    error: ${c}`);
    }
    printGrouped(others);
  }
  console.log(`validate: ${args.length - failed} valid, ${failed} invalid`);
  return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (e) => {
  console.error(e);
  process.exitCode = 2;
});
