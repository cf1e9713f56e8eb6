#!/usr/bin/env node
// xml2json.js: reads FHIR R4 XML resources with the `fhir` package's XML
// parser (FHIR.js Fhir.xmlToObj), an independent reader for the tests of
// fhir/fhirxml.
//
//   node xml2json.js <file>...
//
// Prints the JSON of each file on one line, in the order given. Exit
// status 1 when a file cannot be read or parsed.
'use strict';

const fs = require('node:fs');
const { Fhir } = require('fhir');

const fhir = new Fhir();
for (const file of process.argv.slice(2)) {
  try {
    process.stdout.write(JSON.stringify(fhir.xmlToObj(fs.readFileSync(file, 'utf8'))) + '\n');
  } catch (err) {
    process.stderr.write(`${file}: ${err.message}\n`);
    process.exitCode = 1;
  }
}
