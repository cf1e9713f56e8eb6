package terminology

import "sync"

// The code tables of the CMS HCPCS record layout ("CMS RIF report",
// HCPCS2019_recordlayout.txt; the 2017 and 2018 layouts carry the same
// tables). They give the coded columns of a [Concept] their meaning.
//
// The meanings are CMS's wording from the layout, with each wrapped entry
// joined onto one line with single spaces. CMS's spelling and capitalisation
// are kept (including "opthamology", "cardiovascualr", "Prostrate biopsy"),
// with one exception: the layout's "e.G." (an artefact of CMS's case
// conversion) is written "e.g.", as the layout itself writes it elsewhere.
//
// Two values come from the 2026 layout, which is not among the release files
// read here: pricing indicator 40 and BETOS O1L, both "Lymphedema
// Compression Treatment Items (eff 1/1/2024)".

// CodeTable is one CMS code table: the values a coded column may hold and
// what each means.
type CodeTable struct {
	// ID is a stable slug used in URLs, e.g. "pricing-indicator".
	ID string
	// Title is a display name, e.g. "HCPCS Pricing Indicator".
	Title string
	// Column names the CMS column or columns the table applies to, as the
	// xlsx header spells them, e.g. "PRICE1–PRICE4".
	Column string
	// Description is the layout's sentence describing the field.
	Description string
	// Blank is the layout's meaning of a blank column, where it gives one
	// (only ASC_GRP: "Not Approved For ASC"). A blank value is not an entry.
	Blank string
	// Entries are the values in the layout's order.
	Entries []CodeTableEntry

	once  sync.Once
	index map[string]int
}

// CodeTableEntry is one value of a code table.
type CodeTableEntry struct {
	// Code is the value as it appears in the column, e.g. "00", "Z2", "110".
	Code string
	// Meaning is CMS's wording for the value.
	Meaning string
	// Parent is the code of the enclosing category, for the lab
	// certification subcategories (110 Bacteriology has parent 100
	// Microbiology); empty otherwise.
	Parent string
	// Group is the heading the layout lists the value under, for the tables
	// whose layout groups its values (pricing indicator: the fee schedule;
	// MOG payment group: the body system); empty otherwise.
	Group string
}

func (t *CodeTable) buildIndex() {
	t.index = make(map[string]int, len(t.Entries))
	for i, e := range t.Entries {
		if _, dup := t.index[e.Code]; !dup {
			t.index[e.Code] = i
		}
	}
}

// lookup finds the entry for code through an index built on first use, so
// tables built at run time (and literal tables) work too. Entries must not
// be modified after the first lookup.
func (t *CodeTable) lookup(code string) (CodeTableEntry, bool) {
	if t == nil {
		return CodeTableEntry{}, false
	}
	t.once.Do(t.buildIndex)
	i, ok := t.index[code]
	if !ok {
		return CodeTableEntry{}, false
	}
	return t.Entries[i], true
}

// Meaning returns CMS's meaning of code, in constant time. Codes match
// exactly: the columns are upper case and zero-padded ("00", "010"). An
// unknown code, including a blank one (see [CodeTable.Blank]), reports
// false; so does a nil table.
func (t *CodeTable) Meaning(code string) (string, bool) {
	e, ok := t.lookup(code)
	return e.Meaning, ok
}

// Group headings of the pricing indicator table.
const (
	pricingGroupPhysician = "Physician Fee Schedule And Non-Physician Practitioners Linked To The Physician Fee Schedule"
	pricingGroupLab       = "Clinical Lab Fee Schedule"
	pricingGroupDMEPOS    = "Durable Medical Equipment, Prosthetics, Orthotics, Supplies And Surgical Dressings"
	pricingGroupOther     = "Other"
)

// PricingIndicatorTable is the HCPCS pricing indicator (PRICE1–PRICE4).
var PricingIndicatorTable = &CodeTable{
	ID:          "pricing-indicator",
	Title:       "HCPCS Pricing Indicator",
	Column:      "PRICE1–PRICE4",
	Description: "Code used to identify the appropriate methodology for developing unique pricing amounts under part B.",
	Entries: []CodeTableEntry{
		{Code: "00", Meaning: "Service not separately priced by part B (e.g., services not covered, bundled, used by part a only, etc.)"},
		{Code: "11", Meaning: "Price established using national rvu's", Group: pricingGroupPhysician},
		{Code: "12", Meaning: "Price established using national anesthesia base units", Group: pricingGroupPhysician},
		{Code: "13", Meaning: "Price established by carriers (e.g., not otherwise classified, individual determination, carrier discretion)", Group: pricingGroupPhysician},
		{Code: "21", Meaning: "Price subject to national limitation amount", Group: pricingGroupLab},
		{Code: "22", Meaning: "Price established by carriers (e.g., gap-fills, carrier established panels)", Group: pricingGroupLab},
		{Code: "31", Meaning: "Frequently serviced DME (price subject to floors and ceilings)", Group: pricingGroupDMEPOS},
		{Code: "32", Meaning: "Inexpensive & routinely purchased DME (price subject to floors and ceilings)", Group: pricingGroupDMEPOS},
		{Code: "33", Meaning: "Oxygen and oxygen equipment (price subject to floors and ceilings)", Group: pricingGroupDMEPOS},
		{Code: "34", Meaning: "DME supplies (price subject to floors and ceilings)", Group: pricingGroupDMEPOS},
		{Code: "35", Meaning: "Surgical dressings (price subject to floors and ceilings)", Group: pricingGroupDMEPOS},
		{Code: "36", Meaning: "Capped rental DME (price subject to floors and ceilings)", Group: pricingGroupDMEPOS},
		{Code: "37", Meaning: "Ostomy, tracheostomy and urological supplies (price subject to floors and ceilings)", Group: pricingGroupDMEPOS},
		{Code: "38", Meaning: "Orthotics, prosthetics, prosthetic devices & vision services (price subject to floors and ceilings)", Group: pricingGroupDMEPOS},
		{Code: "39", Meaning: "Parenteral and Enteral Nutrition", Group: pricingGroupDMEPOS},
		{Code: "40", Meaning: "Lymphedema Compression Treatment Items (eff 1/1/2024)", Group: pricingGroupDMEPOS},
		{Code: "45", Meaning: "Customized DME items", Group: pricingGroupDMEPOS},
		{Code: "46", Meaning: "Carrier priced (e.g., not otherwise classified, individual determination, carrier discretion, gap-filled amounts)", Group: pricingGroupDMEPOS},
		{Code: "51", Meaning: "Drugs", Group: pricingGroupOther},
		{Code: "52", Meaning: "Reasonable charge", Group: pricingGroupOther},
		{Code: "53", Meaning: "Statute", Group: pricingGroupOther},
		{Code: "54", Meaning: "Vaccinations", Group: pricingGroupOther},
		{Code: "55", Meaning: "Splints and Casts (effec 10/1/2014)", Group: pricingGroupOther},
		{Code: "56", Meaning: "IOL's inserted in a physician's office (eff 10/1/2014)", Group: pricingGroupOther},
		{Code: "57", Meaning: "Other carrier priced", Group: pricingGroupOther},
		{Code: "99", Meaning: "Value not established", Group: pricingGroupOther},
	},
}

// MultiplePricingIndicatorTable is the HCPCS multiple pricing indicator (MULT_PI).
var MultiplePricingIndicatorTable = &CodeTable{
	ID:          "multiple-pricing-indicator",
	Title:       "HCPCS Multiple Pricing Indicator",
	Column:      "MULT_PI",
	Description: "Code used to identify instances where a procedure could be priced under multiple methodologies.",
	Entries: []CodeTableEntry{
		{Code: "9", Meaning: "Not applicable as HCPCS not priced separately by part B (pricing indicator is 00) or value is not established (pricing indicator is '99')"},
		{Code: "A", Meaning: "Not applicable as HCPCS priced under one methodology"},
		{Code: "B", Meaning: "Professional component of HCPCS priced using RVU's, while technical component and global service priced by Medicare part B carriers"},
		{Code: "C", Meaning: "Physician interpretation of clinical lab service is priced under physician fee schedule using RVU's, while pricing of lab service is paid under clinical lab fee schedule"},
		{Code: "D", Meaning: "Service performed by physician is priced under physician fee schedule using RVU's, while service performed by clinical psychologist is priced under clinical psychologist fee schedule (not applicable as of January 1, 1998)"},
		{Code: "E", Meaning: "Service performed by physician is priced under physician fee schedule using RVU's, service performed by clinical psychologist is priced under clinical psychologist's fee schedule and service performed by clinical social worker is priced under clinical social worker fee schedule (not applicable as of January 1, 1998)"},
		{Code: "F", Meaning: "Service performed by physician is priced under physician fee schedule by carriers, service performed by clinical psychologist is priced under clinical psychologist's fee schedule and service performed by clinical social worker is priced under clinical social worker fee schedule (not applicable as of January 1, 1998)"},
		{Code: "G", Meaning: "Clinical lab service priced under reasonable charge when service is submitted on claim with blood products, while service is priced under clinical lab fee schedule when there are no blood products on claim."},
	},
}

// LabCertificationTable is the HCPCS lab certification code (LABCERT1–LABCERT8).
var LabCertificationTable = &CodeTable{
	ID:          "lab-certification",
	Title:       "HCPCS Lab Certification Code",
	Column:      "LABCERT1–LABCERT8",
	Description: "Code used to classify laboratory procedures according to the specialty certification categories listed by CMS.",
	Entries: []CodeTableEntry{
		{Code: "010", Meaning: "Histocompatibility testing"},
		{Code: "100", Meaning: "Microbiology"},
		{Code: "110", Meaning: "Bacteriology", Parent: "100"},
		{Code: "115", Meaning: "Mycobacteriology", Parent: "100"},
		{Code: "120", Meaning: "Mycology", Parent: "100"},
		{Code: "130", Meaning: "Parasitology", Parent: "100"},
		{Code: "140", Meaning: "Virology", Parent: "100"},
		{Code: "150", Meaning: "Other microbiology", Parent: "100"},
		{Code: "200", Meaning: "Diagnostic immunology"},
		{Code: "210", Meaning: "Syphilis serology", Parent: "200"},
		{Code: "220", Meaning: "General immunology", Parent: "200"},
		{Code: "300", Meaning: "Chemistry"},
		{Code: "310", Meaning: "Routine chemistry", Parent: "300"},
		{Code: "320", Meaning: "Urinalysis", Parent: "300"},
		{Code: "330", Meaning: "Endocrinology", Parent: "300"},
		{Code: "340", Meaning: "Toxicology", Parent: "300"},
		{Code: "350", Meaning: "Other chemistry", Parent: "300"},
		{Code: "400", Meaning: "Hematology"},
		{Code: "500", Meaning: "Immunohematology"},
		{Code: "510", Meaning: "Abo group & RH type", Parent: "500"},
		{Code: "520", Meaning: "Antibody detection (transfusion)", Parent: "500"},
		{Code: "530", Meaning: "Antibody detection (nontransfusion)", Parent: "500"},
		{Code: "540", Meaning: "Antibody identification", Parent: "500"},
		{Code: "550", Meaning: "Compatibility testing", Parent: "500"},
		{Code: "560", Meaning: "Other immunohematology", Parent: "500"},
		{Code: "600", Meaning: "Pathology"},
		{Code: "610", Meaning: "Histopathology", Parent: "600"},
		{Code: "620", Meaning: "Oral pathology", Parent: "600"},
		{Code: "630", Meaning: "Cytology", Parent: "600"},
		{Code: "800", Meaning: "Radiobioassay"},
		{Code: "900", Meaning: "Clinical cytogenetics"},
	},
}

// CoverageTable is the HCPCS coverage code (COV).
var CoverageTable = &CodeTable{
	ID:          "coverage",
	Title:       "HCPCS Coverage Code",
	Column:      "COV",
	Description: "A code denoting Medicare coverage status.",
	Entries: []CodeTableEntry{
		{Code: "C", Meaning: "Carrier judgment"},
		{Code: "D", Meaning: "Special coverage instructions apply"},
		{Code: "I", Meaning: "Not payable by Medicare"},
		{Code: "M", Meaning: "Non-covered by Medicare"},
		{Code: "S", Meaning: "Non-covered by Medicare statute"},
	},
}

// ASCPaymentGroupTable is the HCPCS ASC payment group code (ASC_GRP). Its
// one value is YY; a blank column means the procedure is not approved for an
// ambulatory surgical center (see [CodeTable.Blank]).
var ASCPaymentGroupTable = &CodeTable{
	ID:          "asc-payment-group",
	Title:       "HCPCS ASC Payment Group Code",
	Column:      "ASC_GRP",
	Description: "The 'YY' indicator represents that this procedure is approved to be performed in an ambulatory surgical center.",
	Blank:       "Not Approved For ASC",
	Entries: []CodeTableEntry{
		{Code: "YY", Meaning: "Procedure is approved to be performed in an ambulatory surgical center"},
	},
}

// Group headings (body systems) of the MOG payment group table.
const (
	mogGroupNone            = "No MOG applies"
	mogGroupIntegumentary   = "Integumentary"
	mogGroupMusculoskeletal = "Musculoskeletal"
	mogGroupENT             = "ENT/Respiratory/Cardiovascular/Lymphatic/Endocrine"
	mogGroupDigestive       = "Digestive"
	mogGroupUrinaryGenital  = "Urinary/Genital"
	mogGroupNervousEye      = "Nervous/Eye"
)

// OPPSPaymentGroupTable is the layout's "HCPCS MOG Payment Group Code"
// (Medicare outpatient groups), the column the xlsx calls OPPS. The column
// is blank in every release read here.
var OPPSPaymentGroupTable = &CodeTable{
	ID:          "opps-payment-group",
	Title:       "HCPCS MOG Payment Group Code",
	Column:      "OPPS",
	Description: "Medicare outpatient groups (MOG) payment group code",
	Entries: []CodeTableEntry{
		{Code: "000", Meaning: "No MOG applies", Group: mogGroupNone},

		{Code: "102", Meaning: "Level II needle biopsy/aspiration", Group: mogGroupIntegumentary},
		{Code: "112", Meaning: "Level II incision and drainage", Group: mogGroupIntegumentary},
		{Code: "132", Meaning: "Level II debridement/destruction", Group: mogGroupIntegumentary},
		{Code: "142", Meaning: "Level II excision/biopsy", Group: mogGroupIntegumentary},
		{Code: "143", Meaning: "Level III excision/biopsy", Group: mogGroupIntegumentary},
		{Code: "151", Meaning: "Level I skin repair", Group: mogGroupIntegumentary},
		{Code: "152", Meaning: "Level II skin repair", Group: mogGroupIntegumentary},
		{Code: "153", Meaning: "Level III skin repair", Group: mogGroupIntegumentary},
		{Code: "160", Meaning: "Incision/excision breast", Group: mogGroupIntegumentary},
		{Code: "169", Meaning: "Breast reconstruction/mastectomy", Group: mogGroupIntegumentary},

		{Code: "201", Meaning: "Level I skull and facial bone procedures", Group: mogGroupMusculoskeletal},
		{Code: "202", Meaning: "Level II skull and facial bone procedures", Group: mogGroupMusculoskeletal},
		{Code: "211", Meaning: "Level I hand musculoskeletal procedures", Group: mogGroupMusculoskeletal},
		{Code: "212", Meaning: "Level II hand musculoskeletal procedures", Group: mogGroupMusculoskeletal},
		{Code: "221", Meaning: "Level I foot musculoskeletal procedures", Group: mogGroupMusculoskeletal},
		{Code: "222", Meaning: "Level II foot musculoskeletal procedures", Group: mogGroupMusculoskeletal},
		{Code: "231", Meaning: "Level I musculoskeletal procedures", Group: mogGroupMusculoskeletal},
		{Code: "232", Meaning: "Level II musculoskeletal procedures", Group: mogGroupMusculoskeletal},
		{Code: "233", Meaning: "Level III musculoskeletal procedures", Group: mogGroupMusculoskeletal},
		{Code: "241", Meaning: "Level I arthroscopy", Group: mogGroupMusculoskeletal},
		{Code: "242", Meaning: "Level II arthroscopy", Group: mogGroupMusculoskeletal},
		{Code: "260", Meaning: "Closed treatment fracture finger/toe/trunk", Group: mogGroupMusculoskeletal},
		{Code: "269", Meaning: "Closed treatment fracture/dislocation/except finger/toe/trunk", Group: mogGroupMusculoskeletal},
		{Code: "270", Meaning: "Open/percutaneous treatment fracture or dislocation", Group: mogGroupMusculoskeletal},
		{Code: "279", Meaning: "Bone/joint manipulation under anesthesia", Group: mogGroupMusculoskeletal},
		{Code: "280", Meaning: "Bunion procedures", Group: mogGroupMusculoskeletal},
		{Code: "289", Meaning: "Arthroplasty", Group: mogGroupMusculoskeletal},
		{Code: "290", Meaning: "Arthroplasty with prosthesis", Group: mogGroupMusculoskeletal},

		{Code: "302", Meaning: "Level II ENT procedures", Group: mogGroupENT},
		{Code: "303", Meaning: "Level III ENT procedures", Group: mogGroupENT},
		{Code: "304", Meaning: "Level IV ENT procedures", Group: mogGroupENT},
		{Code: "309", Meaning: "Implantation of cochlear device (ASC rate does not include cost of implant)", Group: mogGroupENT},
		{Code: "310", Meaning: "Nasal cauterization/packing", Group: mogGroupENT},
		{Code: "319", Meaning: "Tonsil/adenoid procedures", Group: mogGroupENT},
		{Code: "322", Meaning: "Level II endoscopy upper airway", Group: mogGroupENT},
		{Code: "323", Meaning: "Level III endoscopy upper airway", Group: mogGroupENT},
		{Code: "329", Meaning: "Endoscopy lower airway", Group: mogGroupENT},
		{Code: "330", Meaning: "Thoracentesis/lavage procedures", Group: mogGroupENT},
		{Code: "350", Meaning: "Placement transvenous caths/cutdown", Group: mogGroupENT},
		{Code: "359", Meaning: "Removal/revision, pacemaker/vascular device", Group: mogGroupENT},
		{Code: "360", Meaning: "Vascular ligation", Group: mogGroupENT},
		{Code: "369", Meaning: "Vascular repair/fistula construction", Group: mogGroupENT},
		{Code: "370", Meaning: "Lymph node excisions", Group: mogGroupENT},
		{Code: "379", Meaning: "Thyroid/lymphadenectomy procedures", Group: mogGroupENT},

		{Code: "400", Meaning: "Esophageal dilation without endoscopy", Group: mogGroupDigestive},
		{Code: "410", Meaning: "Esophagoscopy", Group: mogGroupDigestive},
		{Code: "421", Meaning: "Level I upper GI endoscopy/intubation", Group: mogGroupDigestive},
		{Code: "422", Meaning: "Level II upper GI endoscopy/intubation", Group: mogGroupDigestive},
		{Code: "429", Meaning: "Lower GI endoscopy", Group: mogGroupDigestive},
		{Code: "430", Meaning: "Anoscopy and diagnostic sigmoidoscopy", Group: mogGroupDigestive},
		{Code: "439", Meaning: "Therapeutic proctosigmoidoscopy", Group: mogGroupDigestive},
		{Code: "440", Meaning: "Small intestine endoscopy", Group: mogGroupDigestive},
		{Code: "449", Meaning: "Percutaneous biliary endoscopic procedures", Group: mogGroupDigestive},
		{Code: "450", Meaning: "Endoscopic retrograde cholangio-pancreatography (ERCP)", Group: mogGroupDigestive},
		{Code: "460", Meaning: "Hernia/hydrocele procedures", Group: mogGroupDigestive},
		{Code: "472", Meaning: "Level II anal/rectal procedures", Group: mogGroupDigestive},
		{Code: "473", Meaning: "Level III anal/rectal procedures", Group: mogGroupDigestive},
		{Code: "480", Meaning: "Peritoneal and abdominal procedures", Group: mogGroupDigestive},
		{Code: "490", Meaning: "Tube procedures", Group: mogGroupDigestive},

		{Code: "501", Meaning: "Level I laparoscopy", Group: mogGroupUrinaryGenital},
		{Code: "502", Meaning: "Level II laparoscopy", Group: mogGroupUrinaryGenital},
		{Code: "509", Meaning: "Lithotripsy", Group: mogGroupUrinaryGenital},
		{Code: "511", Meaning: "Level I cystourethroscopy and other genitourinary procedures", Group: mogGroupUrinaryGenital},
		{Code: "512", Meaning: "Level II cystourethroscopy and other genitourinary procedures", Group: mogGroupUrinaryGenital},
		{Code: "513", Meaning: "Level III cystourethroscopy and other genitourinary procedures", Group: mogGroupUrinaryGenital},
		{Code: "521", Meaning: "Level I urethral procedures", Group: mogGroupUrinaryGenital},
		{Code: "522", Meaning: "Level II urethral procedures", Group: mogGroupUrinaryGenital},
		{Code: "530", Meaning: "Circumcision", Group: mogGroupUrinaryGenital},
		{Code: "539", Meaning: "Penile procedures", Group: mogGroupUrinaryGenital},
		{Code: "540", Meaning: "Insertion of penile prosthesis (ASC rate does include cost of implant)", Group: mogGroupUrinaryGenital},
		{Code: "549", Meaning: "Testes/epididymis procedures", Group: mogGroupUrinaryGenital},
		{Code: "550", Meaning: "Prostrate biopsy", Group: mogGroupUrinaryGenital},
		{Code: "562", Meaning: "Level II female reproductive procedures", Group: mogGroupUrinaryGenital},
		{Code: "563", Meaning: "Level III female reproductive procedures", Group: mogGroupUrinaryGenital},
		{Code: "570", Meaning: "Surgical hysteroscopy", Group: mogGroupUrinaryGenital},
		{Code: "579", Meaning: "D & C", Group: mogGroupUrinaryGenital},
		{Code: "580", Meaning: "Spontaneous abortion", Group: mogGroupUrinaryGenital},
		{Code: "589", Meaning: "Therapeutic abortion", Group: mogGroupUrinaryGenital},

		{Code: "602", Meaning: "Level II nervous system injections", Group: mogGroupNervousEye},
		{Code: "609", Meaning: "Revision/removal neurological device", Group: mogGroupNervousEye},
		{Code: "610", Meaning: "Implantation of neurostimulator electrodes (ASC rate does not include cost of implant)", Group: mogGroupNervousEye},
		{Code: "619", Meaning: "Implantation of neurological devices (asc rate does not include cost of implant)", Group: mogGroupNervousEye},
		{Code: "621", Meaning: "Level I nerve procedures", Group: mogGroupNervousEye},
		{Code: "622", Meaning: "Level II nerve procedures", Group: mogGroupNervousEye},
		{Code: "629", Meaning: "Spinal tap", Group: mogGroupNervousEye},
		{Code: "639", Meaning: "Laser eye procedures except retinal", Group: mogGroupNervousEye},
		{Code: "640", Meaning: "Cataract procedures", Group: mogGroupNervousEye},
		{Code: "649", Meaning: "Cataract procedures with IOL insert (includes $150 insert)", Group: mogGroupNervousEye},
		{Code: "651", Meaning: "Level I anterior segment eye procedures", Group: mogGroupNervousEye},
		{Code: "652", Meaning: "Level II anterior segment eye procedures", Group: mogGroupNervousEye},
		{Code: "659", Meaning: "Corneal transplant (ASC rate includes price of transplant)", Group: mogGroupNervousEye},
		{Code: "660", Meaning: "Posterior segment eye procedures", Group: mogGroupNervousEye},
		{Code: "669", Meaning: "Strabismus/muscle procedures", Group: mogGroupNervousEye},
		{Code: "673", Meaning: "Level III eye procedure", Group: mogGroupNervousEye},
		{Code: "674", Meaning: "Level IV eye procedure", Group: mogGroupNervousEye},
		{Code: "680", Meaning: "Vitrectomy", Group: mogGroupNervousEye},
		{Code: "689", Meaning: "Implantation/replacement of intraitreal drug", Group: mogGroupNervousEye},
	},
}

// OPPSPaymentIndicatorTable is the layout's "HCPCS MOG Payment Policy
// Indicator", the column the xlsx calls OPPS_PI. The column is blank in
// every release read here.
var OPPSPaymentIndicatorTable = &CodeTable{
	ID:          "opps-payment-indicator",
	Title:       "HCPCS MOG Payment Policy Indicator",
	Column:      "OPPS_PI",
	Description: "Indicator identifying whether a HCPCS code is subject to payment of an ASC facility fee, to a separate fee under another provision of Medicare, or to no fee at all.",
	Entries: []CodeTableEntry{
		{Code: "1", Meaning: "ASC covered procedure"},
		{Code: "2", Meaning: "Bundled service/no separate payment"},
		{Code: "3", Meaning: "Excluded from ASC list"},
		{Code: "4", Meaning: "Invalid code/90 day grace period"},
		{Code: "6", Meaning: "Separate payment when furnished in an ASC"},
		{Code: "7", Meaning: "ASC restricted coverage procedure"},
		{Code: "9", Meaning: "ASC payment not applicable"},
	},
}

// BETOSTable is the Berenson-Eggers type of service (BETOS), the layout's
// BETOS_TB, in the 2019 layout's order with O1L (from the 2026 layout) after
// O1G.
var BETOSTable = &CodeTable{
	ID:          "betos",
	Title:       "HCPCS Berenson-Eggers Type of Service (BETOS)",
	Column:      "BETOS",
	Description: "The Berenson-Eggers Type of Service (BETOS) for the procedure code based on generally agreed upon clinically meaningful groupings of procedures and services.",
	Entries: []CodeTableEntry{
		{Code: "M1A", Meaning: "Office visits - new"},
		{Code: "M1B", Meaning: "Office visits - established"},
		{Code: "M2A", Meaning: "Hospital visit - initial"},
		{Code: "M2B", Meaning: "Hospital visit - subsequent"},
		{Code: "M2C", Meaning: "Hospital visit - critical care"},
		{Code: "M3", Meaning: "Emergency room visit"},
		{Code: "M4A", Meaning: "Home visit"},
		{Code: "M4B", Meaning: "Nursing home visit"},
		{Code: "M5A", Meaning: "Specialist - pathology"},
		{Code: "M5B", Meaning: "Specialist - psychiatry"},
		{Code: "M5C", Meaning: "Specialist - opthamology"},
		{Code: "M5D", Meaning: "Specialist - other"},
		{Code: "M6", Meaning: "Consultations"},
		{Code: "P0", Meaning: "Anesthesia"},
		{Code: "P1A", Meaning: "Major procedure - breast"},
		{Code: "P1B", Meaning: "Major procedure - colectomy"},
		{Code: "P1C", Meaning: "Major procedure - cholecystectomy"},
		{Code: "P1D", Meaning: "Major procedure - turp"},
		{Code: "P1E", Meaning: "Major procedure - hysterectomy"},
		{Code: "P1F", Meaning: "Major procedure - explor/decompr/excisdisc"},
		{Code: "P1G", Meaning: "Major procedure - Other"},
		{Code: "P2A", Meaning: "Major procedure, cardiovascular-CABG"},
		{Code: "P2B", Meaning: "Major procedure, cardiovascular-Aneurysm repair"},
		{Code: "P2C", Meaning: "Major Procedure, cardiovascular-Thromboendarterectomy"},
		{Code: "P2D", Meaning: "Major procedure, cardiovascualr-Coronary angioplasty (PTCA)"},
		{Code: "P2E", Meaning: "Major procedure, cardiovascular-Pacemaker insertion"},
		{Code: "P2F", Meaning: "Major procedure, cardiovascular-Other"},
		{Code: "P3A", Meaning: "Major procedure, orthopedic - Hip fracture repair"},
		{Code: "P3B", Meaning: "Major procedure, orthopedic - Hip replacement"},
		{Code: "P3C", Meaning: "Major procedure, orthopedic - Knee replacement"},
		{Code: "P3D", Meaning: "Major procedure, orthopedic - other"},
		{Code: "P4A", Meaning: "Eye procedure - corneal transplant"},
		{Code: "P4B", Meaning: "Eye procedure - cataract removal/lens insertion"},
		{Code: "P4C", Meaning: "Eye procedure - retinal detachment"},
		{Code: "P4D", Meaning: "Eye procedure - treatment of retinal lesions"},
		{Code: "P4E", Meaning: "Eye procedure - other"},
		{Code: "P5A", Meaning: "Ambulatory procedures - skin"},
		{Code: "P5B", Meaning: "Ambulatory procedures - musculoskeletal"},
		{Code: "P5C", Meaning: "Ambulatory procedures - inguinal hernia repair"},
		{Code: "P5D", Meaning: "Ambulatory procedures - lithotripsy"},
		{Code: "P5E", Meaning: "Ambulatory procedures - other"},
		{Code: "P6A", Meaning: "Minor procedures - skin"},
		{Code: "P6B", Meaning: "Minor procedures - musculoskeletal"},
		{Code: "P6C", Meaning: "Minor procedures - other (Medicare fee schedule)"},
		{Code: "P6D", Meaning: "Minor procedures - other (non-Medicare fee schedule)"},
		{Code: "P7A", Meaning: "Oncology - radiation therapy"},
		{Code: "P7B", Meaning: "Oncology - other"},
		{Code: "P8A", Meaning: "Endoscopy - arthroscopy"},
		{Code: "P8B", Meaning: "Endoscopy - upper gastrointestinal"},
		{Code: "P8C", Meaning: "Endoscopy - sigmoidoscopy"},
		{Code: "P8D", Meaning: "Endoscopy - colonoscopy"},
		{Code: "P8E", Meaning: "Endoscopy - cystoscopy"},
		{Code: "P8F", Meaning: "Endoscopy - bronchoscopy"},
		{Code: "P8G", Meaning: "Endoscopy - laparoscopic cholecystectomy"},
		{Code: "P8H", Meaning: "Endoscopy - laryngoscopy"},
		{Code: "P8I", Meaning: "Endoscopy - other"},
		{Code: "P9A", Meaning: "Dialysis services (medicare fee schedule)"},
		{Code: "P9B", Meaning: "Dialysis services (non-medicare fee schedule)"},
		{Code: "I1A", Meaning: "Standard imaging - chest"},
		{Code: "I1B", Meaning: "Standard imaging - musculoskeletal"},
		{Code: "I1C", Meaning: "Standard imaging - breast"},
		{Code: "I1D", Meaning: "Standard imaging - contrast gastrointestinal"},
		{Code: "I1E", Meaning: "Standard imaging - nuclear medicine"},
		{Code: "I1F", Meaning: "Standard imaging - other"},
		{Code: "I2A", Meaning: "Advanced imaging - CAT/CT/CTA: brain/head/neck"},
		{Code: "I2B", Meaning: "Advanced imaging - CAT/CT/CTA: other"},
		{Code: "I2C", Meaning: "Advanced imaging - MRI/MRA: brain/head/neck"},
		{Code: "I2D", Meaning: "Advanced imaging - MRI/MRA: other"},
		{Code: "I3A", Meaning: "Echography/ultrasonography - eye"},
		{Code: "I3B", Meaning: "Echography/ultrasonography - abdomen/pelvis"},
		{Code: "I3C", Meaning: "Echography/ultrasonography - heart"},
		{Code: "I3D", Meaning: "Echography/ultrasonography - carotid arteries"},
		{Code: "I3E", Meaning: "Echography/ultrasonography - prostate, transrectal"},
		{Code: "I3F", Meaning: "Echography/ultrasonography - other"},
		{Code: "I4A", Meaning: "Imaging/procedure - heart including cardiac catheterization"},
		{Code: "I4B", Meaning: "Imaging/procedure - other"},
		{Code: "T1A", Meaning: "Lab tests - routine venipuncture (non Medicare fee schedule)"},
		{Code: "T1B", Meaning: "Lab tests - automated general profiles"},
		{Code: "T1C", Meaning: "Lab tests - urinalysis"},
		{Code: "T1D", Meaning: "Lab tests - blood counts"},
		{Code: "T1E", Meaning: "Lab tests - glucose"},
		{Code: "T1F", Meaning: "Lab tests - bacterial cultures"},
		{Code: "T1G", Meaning: "Lab tests - other (Medicare fee schedule)"},
		{Code: "T1H", Meaning: "Lab tests - other (non-Medicare fee schedule)"},
		{Code: "T2A", Meaning: "Other tests - electrocardiograms"},
		{Code: "T2B", Meaning: "Other tests - cardiovascular stress tests"},
		{Code: "T2C", Meaning: "Other tests - EKG monitoring"},
		{Code: "T2D", Meaning: "Other tests - other"},
		{Code: "D1A", Meaning: "Medical/surgical supplies"},
		{Code: "D1B", Meaning: "Hospital beds"},
		{Code: "D1C", Meaning: "Oxygen and supplies"},
		{Code: "D1D", Meaning: "Wheelchairs"},
		{Code: "D1E", Meaning: "Other DME"},
		{Code: "D1F", Meaning: "Prosthetic/Orthotic devices"},
		{Code: "D1G", Meaning: "Drugs Administered through DME"},
		{Code: "O1A", Meaning: "Ambulance"},
		{Code: "O1B", Meaning: "Chiropractic"},
		{Code: "O1C", Meaning: "Enteral and parenteral"},
		{Code: "O1D", Meaning: "Chemotherapy"},
		{Code: "O1E", Meaning: "Other drugs"},
		{Code: "O1F", Meaning: "Hearing and speech services"},
		{Code: "O1G", Meaning: "Immunizations/Vaccinations"},
		{Code: "O1L", Meaning: "Lymphedema Compression Treatment Items (eff 1/1/2024)"},
		{Code: "Y1", Meaning: "Other - Medicare fee schedule"},
		{Code: "Y2", Meaning: "Other - non-Medicare fee schedule"},
		{Code: "Z1", Meaning: "Local codes"},
		{Code: "Z2", Meaning: "Undefined codes"},
	},
}

// TypeOfServiceTable is the CMS type of service (TOS1–TOS5), the layout's
// CMS_TYPE_SRVC_TB.
var TypeOfServiceTable = &CodeTable{
	ID:          "type-of-service",
	Title:       "CMS Type of Service",
	Column:      "TOS1–TOS5",
	Description: "The carrier assigned CMS type of service which describes the particular kind(s) of service represented by the procedure code.",
	Entries: []CodeTableEntry{
		{Code: "1", Meaning: "Medical care"},
		{Code: "2", Meaning: "Surgery"},
		{Code: "3", Meaning: "Consultation"},
		{Code: "4", Meaning: "Diagnostic radiology"},
		{Code: "5", Meaning: "Diagnostic laboratory"},
		{Code: "6", Meaning: "Therapeutic radiology"},
		{Code: "7", Meaning: "Anesthesia"},
		{Code: "8", Meaning: "Assistant at surgery"},
		{Code: "9", Meaning: "Other medical items or services"},
		{Code: "0", Meaning: "Whole blood only eff 01/96, whole blood or packed red cells before 01/96"},
		{Code: "A", Meaning: "Used durable medical equipment (DME)"},
		{Code: "B", Meaning: "High risk screening mammography (obsolete 1/1/98)"},
		{Code: "C", Meaning: "Low risk screening mammography (obsolete 1/1/98)"},
		{Code: "D", Meaning: "Ambulance (eff 04/95)"},
		{Code: "E", Meaning: "Enteral/parenteral nutrients/supplies (eff 04/95)"},
		{Code: "F", Meaning: "Ambulatory surgical center (facility usage for surgical services)"},
		{Code: "G", Meaning: "Immunosuppressive drugs"},
		{Code: "H", Meaning: "Hospice services (discontinued 01/95)"},
		{Code: "I", Meaning: "Purchase of DME (installment basis) (discontinued 04/95)"},
		{Code: "J", Meaning: "Diabetic shoes (eff 04/95)"},
		{Code: "K", Meaning: "Hearing items and services (eff 04/95)"},
		{Code: "L", Meaning: "ESRD supplies (eff 04/95) (renal supplier in the home before 04/95)"},
		{Code: "M", Meaning: "Monthly capitation payment for dialysis"},
		{Code: "N", Meaning: "Kidney donor"},
		{Code: "P", Meaning: "Lump sum purchase of DME, prosthetics, orthotics"},
		{Code: "Q", Meaning: "Vision items or services"},
		{Code: "R", Meaning: "Rental of DME"},
		{Code: "S", Meaning: "Surgical dressings or other medical supplies (eff 04/95)"},
		{Code: "T", Meaning: "Psychological therapy (term. 12/31/97) outpatient mental health limitation (eff. 1/1/98)"},
		{Code: "U", Meaning: "Occupational therapy"},
		{Code: "V", Meaning: "Pneumococcal/flu vaccine (eff 01/96), Pneumococcal/flu/hepatitis B vaccine (eff 04/95-12/95), Pneumococcal only before 04/95"},
		{Code: "W", Meaning: "Physical therapy"},
		{Code: "Y", Meaning: "Second opinion on elective surgery (obsoleted 1/97)"},
		{Code: "Z", Meaning: "Third opinion on elective surgery (obsoleted 1/97)"},
	},
}

// ActionCodeTable is the HCPCS action code (ACTION CD).
var ActionCodeTable = &CodeTable{
	ID:          "action-code",
	Title:       "HCPCS Action Code",
	Column:      "ACTION CD",
	Description: "A code denoting the change made to a procedure or modifier code within the HCPCS system.",
	Entries: []CodeTableEntry{
		{Code: "A", Meaning: "Add procedure or modifier code"},
		{Code: "B", Meaning: "Change in both administrative data field and long description of procedure or modifier code"},
		{Code: "C", Meaning: "Change in long description of procedure or modifier code"},
		{Code: "D", Meaning: "Discontinue procedure or modifier code"},
		{Code: "F", Meaning: "Change in administrative data field of procedure or modifier code"},
		{Code: "N", Meaning: "No maintenance for this code"},
		{Code: "P", Meaning: "Payment change (MOG, pricing indicator codes, anesthesia base units,Ambulatory Surgical Centers)"},
		{Code: "R", Meaning: "Re-activate discontinued/deleted procedure or modifier code"},
		{Code: "S", Meaning: "Change in short description of procedure code"},
		{Code: "T", Meaning: "Miscellaneous change (BETOS, type of service)"},
	},
}

// codeTables lists every table in a stable order: the order of their columns
// in the record layout.
var codeTables = []*CodeTable{
	PricingIndicatorTable,
	MultiplePricingIndicatorTable,
	LabCertificationTable,
	CoverageTable,
	ASCPaymentGroupTable,
	OPPSPaymentGroupTable,
	OPPSPaymentIndicatorTable,
	BETOSTable,
	TypeOfServiceTable,
	ActionCodeTable,
}

var codeTablesByID = func() map[string]*CodeTable {
	m := make(map[string]*CodeTable, len(codeTables))
	for _, t := range codeTables {
		m[t.ID] = t
	}
	return m
}()

// CodeTables returns every code table in a stable order (the order of their
// columns in the record layout). The slice is a copy; the tables are shared
// and must not be modified.
func CodeTables() []*CodeTable {
	return append([]*CodeTable(nil), codeTables...)
}

// CodeTableByID returns the table with this ID, e.g. "betos".
func CodeTableByID(id string) (*CodeTable, bool) {
	t, ok := codeTablesByID[id]
	return t, ok
}
