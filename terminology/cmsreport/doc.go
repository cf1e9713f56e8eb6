// Package cmsreport reads CMS's HCPCS transaction (change) reports: the
// per-code account of a release's changes that CMS ships beside the ANWEB
// file ("Changes by HCPC", trans_alpha.xlsx). It turns every layout CMS has
// used into one typed form, a [Report] of [Entry] values: per code, the
// types of change CMS reports ([Kind]: added, discontinued, reinstated,
// long or short description change, coverage, payment or miscellaneous
// change, no change) and the descriptions where the report prints them.
//
// # Layouts
//
//   - Fixed-width text (.prn), one code a line after a header line that
//     starts with "HCPC": 2017 and 2018 print the code and the type of
//     change only; 2019 and 2020 add the short and the long description,
//     in columns that the header's "SHORT DESCRIPTION" and "LONG
//     DESCRIPTION" place. Their long descriptions are cut at the right
//     edge of the page (61 characters in 2019, 70 in 2020), so they are
//     prefixes: [Report.LongCut] says so. Lines before the header (CMS's
//     disclaimer) are skipped; the files are cp1252.
//   - Spreadsheets (trans_alpha.xlsx, 2020 quarters): the sheet whose name
//     starts "Changes by HCPC", with a header row HCPC/MOD, ACTION CD,
//     SHORT DESCRIPTION, LONG DESCRIPTION after some disclaimer rows, and
//     an "Action Code Key" sheet of letters and labels
//     ([Report.ActionCodes]). The "Changes by Action Code" sheet is not
//     read: it holds the same rows in another order, except that in
//     2020-07 it lists CS twice (as "No Change" with the old descriptions,
//     and as changed), where the by-code sheet lists it once.
//
// Some reports list every code of the release, most with "No Change"; the
// reader keeps those entries, so that a report can be checked for listing
// exactly the codes of its release. CMS's labels are matched by their words
// (ParseLabel), case and "&"/"and" aside, and a label cut at the column's
// width ("Long Description Chang") is matched when it is the start of
// exactly one label's words.
//
// The spreadsheet reader is excelize, which the terminology package
// already depends on: the reports are read by tests and tools, not at
// server start, so terminology's faster internal reader (xlsx_lean.go) is
// not worth exporting for them.
//
// This package is domain code: like terminology it imports no gin,
// go-redis or samply, and it does not import terminology itself, so that
// it stays a reader of CMS's files (deps_test.go).
package cmsreport
