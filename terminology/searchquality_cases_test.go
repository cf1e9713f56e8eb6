package terminology

// searchQualityCases are queries a coder types into a code picker, with the
// codes that must be among the first 10 results (activeOnly, 2025-10) and
// codes that must not appear in them. Each was checked against the 2025-10
// release; the comment says why the codes are the right answers.
var searchQualityCases = []struct {
	query    string
	top10    []string // each must be among the first 10
	notTop10 []string // none may be among the first 10
}{
	// --- wheelchairs: abbreviations, plurals, hyphens, prefixes ---

	// A prefix of "wheelchair". The short descriptions that spell a word
	// starting "wheelch" come first: A0130 "Noner transport wheelch van",
	// E0961 brake extension, E0966 head rest extension, E0968 commode seat.
	// E0141 is a wheeled walker: "wheel" is not "wheelch".
	{"wheelch", []string{"A0130", "E0961", "E0966", "E0968"}, []string{"E0141", "E0143"}},
	// The abbreviations count as the word: E0953/E0956 "W/c lateral ...",
	// E0958 "Whlchr att- conv 1 arm drive", E0967 "Man wc rim/projection",
	// E0961 "Wheelchair brake extension" all rank in the short-description
	// tier. A wheeled walker (E0141) and a power-operated vehicle (K0800,
	// a scooter) are not wheelchairs and do not match at all.
	{"wheelchair", []string{"E0953", "E0956", "E0958", "E0961", "E0967"}, []string{"E0141", "K0800"}},
	// The plural finds the same concepts as the singular.
	{"wheelchairs", []string{"E0953", "E0958", "E0961", "E0967"}, []string{"E0141"}},
	// The hyphenated spelling matches the joined word. K0069 (rear wheel
	// assembly) has "wheel" but no "chair"; E0141 is a wheeled walker.
	{"wheel-chair", []string{"E0953", "E0958", "E0961", "E0967"}, []string{"E0141", "K0069"}},
	// CMS's own abbreviation, and its synonyms: E0953, E0956, E0957, E0960
	// say "W/c"; E0961 says "Wheelchair". "w/c" is one word: A4660
	// ("Sphyg/bp app w cuff") and E0143 ("... wheeled w/o s") must not
	// match on "w" + "c..." or on "w/o".
	{"w/c", []string{"E0953", "E0956", "E0957", "E0960", "E0961"}, []string{"A4660", "E0143"}},
	// Two words: E1239 "Ped power wheelchair nos", K0010/K0012/K0013 "...
	// power whlchr ..." are power wheelchairs. K0800 is a power-operated
	// vehicle (scooter), which has "power" but no wheelchair.
	{"power wheelchair", []string{"E1239", "K0010", "K0012", "K0013"}, []string{"K0800"}},
	// Both abbreviations typed: E2368/E2369/E2370 "Pwr wc drivewheel ...",
	// K0011 "Stnd wt pwr whlchr w control".
	{"pwr w/c", []string{"E2368", "E2369", "E2370", "K0011"}, []string{"K0800"}},

	// --- canes, crutches, walkers ---

	// The underarm crutches E0112-E0117 and the underarm crutch pad A4635;
	// the forearm crutches E0110/E0111 are not underarm.
	{"crutch underarm", []string{"A4635", "E0112", "E0113", "E0114", "E0116", "E0117"}, []string{"E0110", "E0111"}},
	// The plural finds "Crutch ...": E0110-E0114 and the pad A4635. L1840
	// ("anterior cruciate") shares "cru" only.
	{"crutches", []string{"A4635", "E0110", "E0111", "E0112", "E0114"}, []string{"L1840"}},
	{"crutch", []string{"A4635", "E0110", "E0111", "E0112", "E0114"}, []string{"L1840"}},
	// Only five active concepts say "cane": E0100, E0105 (canes), A4636
	// (handgrip), A4637 (tip), E2207 (crutch and cane holder). A nasal
	// cannula (A4615) and a pump canister (A7000) begin "can" but are not
	// canes.
	{"cane", []string{"E0100", "E0105", "A4636", "A4637", "E2207"}, []string{"A4615", "A7000"}},
	// Walkers E0130-E0143 say "Walker" in the short description. A walking
	// boot (L4360) is not a walker; E0159 (a replacement brake, 18th in
	// code order) ranks after the walkers themselves.
	{"walker", []string{"E0130", "E0135", "E0140", "E0141", "E0143"}, []string{"L4360", "E0159"}},

	// --- codes and code prefixes ---

	// The exact code, whatever the case.
	{"J1100", []string{"J1100"}, []string{"J1094", "J1110"}},
	{"j1100", []string{"J1100"}, []string{"J1094", "J1110"}},
	{"e0100", []string{"E0100"}, []string{"E0105"}},
	// A code prefix lists the codes that start with it in code order: the
	// canes and crutches E0100-E0118. E0190 (a positioning cushion) starts
	// with E01 but comes later; E0200 does not start with E01.
	{"E01", []string{"E0100", "E0105", "E0110", "E0111", "E0112", "E0113", "E0114", "E0116", "E0117", "E0118"}, []string{"E0190", "E0200"}},
	// "A4" is a modifier (dressing for four wounds) and the prefix of the
	// A4xxx supplies: the modifier first, then A4100, A4206, ... A5 is
	// another modifier.
	{"a4", []string{"A4", "A4100", "A4206"}, []string{"A5"}},
	// Likewise "G0" (telestroke modifier) and the G0xxx codes.
	{"g0", []string{"G0", "G0008"}, []string{"GT"}},

	// --- modifiers ---

	// The anatomic modifiers, by their description and by their code.
	{"left side", []string{"LT"}, []string{"RT"}},
	{"right side", []string{"RT"}, []string{"LT"}},
	{"lt", []string{"LT"}, []string{"RT"}},
	// KX (requirements met, documentation on file) by its code.
	{"kx", []string{"KX"}, []string{"GA"}},
	// RR is the DME rental modifier; NU is new equipment.
	{"rr", []string{"RR"}, []string{"NU"}},
	{"new equipment", []string{"NU"}, []string{"UE"}},
	// Rental modifiers: KI (2nd or 3rd month), KR (partial month), LL
	// (lease/rental), RR.
	{"rental", []string{"KI", "KR", "LL", "RR"}, []string{"NU"}},
	// Telehealth: GQ (store and forward), G0459, Q3014 (originating site
	// fee), T1014. Modifier 95 is a CPT modifier, not in the HCPCS Level II
	// file, so it cannot be expected; GT does not say "telehealth" anywhere
	// ("Interactivetelecommunication", "telecommunication systems"): see
	// the next case. V5268 (telephone amplifier) shares "tele" only.
	{"telehealth", []string{"GQ", "G0459", "Q3014", "T1014"}, []string{"V5268"}},
	// GT and GQ are found by the word CMS uses. E1902 (communication board)
	// is "communication", not "telecommunication".
	{"telecommunication", []string{"GT", "GQ"}, []string{"E1902"}},

	// --- diabetes ---

	// Insulin pump and its supplies: E0784 (external ambulatory insulin
	// pump), infusion sets A4230/A4231, syringe cartridge A4225, insulin
	// for pump use J1817. J1815 is plain insulin injection; S5565 is a
	// cartridge for a device "other than pump".
	{"insulin pump", []string{"E0784", "A4230", "A4231", "A4225", "J1817"}, []string{"J1815", "S5565"}},
	// Continuous glucose monitor: CMS writes "cgm" in seven short
	// descriptions. E0607 is a (non-continuous) glucose monitor; A4226
	// says "cgs" (glucose sensing), not cgm.
	{"cgm", []string{"A9276", "A9277", "A9278", "E2102", "E2103", "A4238", "A4239"}, []string{"E0607", "A4226"}},
	// E0607 "Blood glucose monitor home" is the only short description
	// with all three words; the strips A4253 and the platforms A4255 are
	// for home blood glucose monitors. A4660 is a blood pressure device.
	// Weak: the monitors E2100/E2101 rank only 9th and 10th, behind the
	// monitor batteries A4233-A4236 ("Bld glucose monitor" in the short
	// description does not match "blood").
	{"blood glucose monitor", []string{"E0607", "A4253", "A4255"}, []string{"A4660"}},
	// A4253 (home blood glucose test strips) and A4772 (blood glucose test
	// strips, dialysis). Occult blood (A4773) and ammonia (A4774) strips
	// are not glucose strips.
	{"glucose test strips", []string{"A4253", "A4772"}, []string{"A4773", "A4774"}},
	{"test strips", []string{"A4252", "A4772", "A4773", "A4774", "A4253", "A4250"}, []string{"E0607"}},
	// The lancet device A4258 and lancets A4259 are the only matches.
	{"lancet", []string{"A4258", "A4259"}, []string{"E0607"}},
	// Syringes A4206-A4213 and A4657 say "syringe" in the short
	// description; the urinary bulking agents L8603/L8606 merely come in a
	// syringe.
	{"syringe", []string{"A4206", "A4207", "A4208", "A4213", "A4657"}, []string{"L8603", "L8606"}},

	// --- respiratory ---

	// Oxygen concentrators E1390, E1391 (dual), E1392 (portable). E0424 is
	// a compressed gas system.
	{"oxygen concentrator", []string{"E1390", "E1391", "E1392"}, []string{"E0424"}},
	// Oxygen systems and supplies with "oxygen" in the short description.
	// Oxytocin (J2590) begins "oxy" but is not oxygen.
	{"oxygen", []string{"A4606", "A4608", "A4616", "E0430", "E0433", "E0435"}, []string{"J2590"}},
	// Nebulizer supplies A7003-A7007 rank first by code order. E0424
	// (oxygen system including a nebulizer) and J7674 (methacholine given
	// through a nebulizer) rank far below.
	// Weak: the nebulizer compressors E0570/E0575/E0580/E0585, the devices a
	// coder usually wants, rank only 12th-15th behind the A70xx supplies.
	{"nebulizer", []string{"A7003", "A7004", "A7005", "A7007"}, []string{"E0424", "J7674"}},
	// The home ventilators E0465-E0468 are in the top 10 only because nine
	// concepts match at all: CMS abbreviates "Home vent ..." in the short
	// description, so nothing ranks in the short-description tier.
	// Weak: the ventilator batteries A4611-A4613 come first by code order.
	// C1740 ("Lt vent pacing", ventricular) and E0470 (bi-level respiratory
	// assist device) are not ventilators.
	{"ventilator", []string{"E0465", "E0466", "E0467", "E0468"}, []string{"C1740", "E0470"}},
	// CPAP: the device E0601 ("Cont airway pressure device", long
	// description says cpap) and the full face mask A7030. E0470 is a
	// bi-level device, not CPAP.
	{"cpap", []string{"A7030", "E0601"}, []string{"E0470"}},
	// Apnea monitors E0618, E0619. E0486 is a sleep apnea oral appliance.
	{"apnea monitor", []string{"E0618", "E0619"}, []string{"E0486"}},
	// Sterile water/saline A4216, A4217, A4218. A7018 is distilled water for
	// a nebulizer, E1405 an oxygen/water vapor enricher.
	{"sterile water", []string{"A4216", "A4217", "A4218"}, []string{"A7018", "E1405"}},

	// --- beds, bathroom ---

	// Hospital beds: E0255/E0256 say "Hospital bed" in the short
	// description, E0250/E0251/E0260 "Hosp bed", which the abbreviation
	// list reads as hospital, so all rank in the short-description tier in
	// code order. E0316 (a safety enclosure for use with a hospital bed)
	// ranks far below.
	{"hospital bed", []string{"E0250", "E0251", "E0255", "E0256", "E0260"}, []string{"E0316"}},
	// Commode chairs E0163, E0165, E0170 and the wheelchair commode seat
	// E0968. A bath/shower chair (E0240) is not a commode.
	{"commode", []string{"E0163", "E0165", "E0170", "E0968"}, []string{"E0240"}},

	// --- orthotics and prosthetics ---

	// Knee orthoses L1810-L1832 ("Ko ..." in the short description, "Knee
	// orthosis" in the long one). The knee-ankle-foot orthosis L2000 ranks
	// 22nd; the ankle-foot orthosis L1900 has no "knee".
	{"knee orthosis", []string{"L1810", "L1812", "L1820", "L1830", "L1832"}, []string{"L2000", "L1900"}},
	// The prosthetic feet (L5971-L5987) say "prosthesis", not "prosthetic";
	// the HCPCS synonym list relates the two, so they are found as for
	// "foot prosthesis". L3000 (a foot insert, an orthotic) must not show.
	{"prosthetic foot", []string{"L5975", "L5971", "L5979", "L5987"}, []string{"L3000"}},
	// With CMS's word: L5975 (combination ankle/foot prosthesis) in the
	// short description; L5971 (SACH foot), L5979, L5987 in the long one.
	{"foot prosthesis", []string{"L5975", "L5971", "L5979", "L5987"}, []string{"L3000"}},
	// Diabetic shoes A5500, A5501, A5503. L3000 is a foot insert.
	{"diabetic shoe", []string{"A5500", "A5501", "A5503"}, []string{"L3000"}},
	// Gradient compression stockings A6530-A6535. A6448 is a light
	// compression bandage, not a stocking.
	{"compression stocking", []string{"A6530", "A6531", "A6533", "A6535"}, []string{"A6448"}},

	// --- ostomy, urology, wound care ---

	// Ostomy pouches A5052-A5054 (closed), A5062/A5063 (drainable) in the
	// short description. A4361 is a faceplate, not a pouch.
	{"ostomy pouch", []string{"A5052", "A5053", "A5054", "A5062", "A5063"}, []string{"A4361"}},
	// Foley catheters: A4338, A4344, A4346 and the insertion trays A4311,
	// A4314 ("indwelling catheter, foley type"). A4351 is a straight-tip
	// intermittent catheter, not a foley. No short description has both
	// words (CMS writes "Cath"), so all of these come from the long
	// description.
	{"catheter foley", []string{"A4338", "A4344", "A4346", "A4311", "A4314"}, []string{"A4351"}},
	{"foley", []string{"A4344", "A4346", "A4338"}, []string{"A4351"}},
	// Gauze A6216, A6219, A6222. A6021 is a collagen dressing.
	{"gauze", []string{"A6216", "A6219", "A6222"}, []string{"A6021"}},

	// --- enteral nutrition ---

	// B4104 (additive for enteral formula) in the short description, then
	// the formulas B4102, B4150, B4152, B4153 ("Ef ..." short, "Enteral
	// formula" long). B4164 is parenteral (not "enteral"); S9340 (home
	// therapy per diem) ranks 16th.
	{"enteral formula", []string{"B4104", "B4102", "B4150", "B4152", "B4153"}, []string{"B4164", "S9340"}},

	// --- TENS and other electrical devices ---

	// TENS units E0720, E0730, their supplies A4595 and garment E0731.
	// "Extension" (E0961 brake extension, E1803 elbow extension device) and
	// "dev-intensive" (C1890) contain "tens" but do not start with it.
	// Weak: "tens" is a prefix of "tension" and "tensix", so L1005 (tension
	// based scoliosis orthosis), L7902 (tension ring) and Q4146 (Tensix, a
	// skin substitute) rank 5th-7th, in the short-description tier, under
	// these semantics; they are not listed as forbidden.
	{"tens", []string{"E0720", "E0730", "A4595", "E0731"}, []string{"E0961", "E1803", "C1890"}},
	// Breast pumps E0602, E0603, E0604 and parts A4284, A4285. L8030 is a
	// breast prosthesis.
	{"breast pump", []string{"E0602", "E0603", "E0604", "A4284", "A4285"}, []string{"L8030"}},
	// Plural to singular: the batteries A4611 (heavy duty), A4612, A4613.
	// A sitz bath (E0160) shares "bat" only.
	{"batteries", []string{"A4611", "A4612", "A4613"}, []string{"E0160"}},

	// --- hearing ---

	// Hearing aids V5030-V5060. V5008 (hearing screening) has no "aid";
	// G0156 is a home health aide.
	{"hearing aid", []string{"V5030", "V5040", "V5050", "V5060"}, []string{"V5008", "G0156"}},

	// --- ambulance ---

	// Short descriptions that say "ambulance": A0021, A0998, A0999, QM
	// (ten do, so all of them fill the top 10). TK ("non-ambulance" passenger) ranks 26th; E0784 is an
	// ambulatory pump ("amb"), not an ambulance.
	// Weak: the everyday transport codes A0426-A0429 (ALS/BLS) rank only
	// 14th-17th, because their short descriptions ("Als 1", "Bls") do not
	// say ambulance; the top 10 is waiting time, extra attendant, noncovered
	// mileage, unlisted service and two modifiers.
	{"ambulance", []string{"A0021", "A0998", "A0999", "QM"}, []string{"TK", "E0784"}},

	// --- drugs ---

	// Dexamethasone: J1100 (sodium phosphate), J1095, J7312, J8540. J1094
	// (dexamethasone acetate) is terminated, so activeOnly leaves it out.
	{"dexamethasone", []string{"J1100", "J1095", "J7312", "J8540"}, []string{"J1094"}},
	// Ondansetron J2405, Q0162, S0119; granisetron (J1626) is another
	// "-setron".
	{"ondansetron", []string{"J2405", "Q0162", "S0119"}, []string{"J1626"}},
	// Influenza vaccine: Q2039 (nos) and G0008 (administration). G0009 is
	// the pneumococcal administration.
	{"influenza vaccine", []string{"Q2039", "G0008"}, []string{"G0009"}},
	// Naloxone J2312, J2313 and the nasal naloxone home supply G2215;
	// naltrexone (J2315) is a different drug.
	{"naloxone", []string{"J2312", "J2313", "G2215"}, []string{"J2315"}},
	{"ceftriaxone", []string{"J0696"}, []string{"J0694"}},
	// Vitamin B12 injection J3420; J3430 is vitamin K.
	{"vitamin b12", []string{"J3420"}, []string{"J3430"}},
	// Testosterone J1071 (cypionate), J3121 (enanthate), J3145
	// (undecanoate). J1060 (testosterone cypionate and estradiol) is
	// terminated.
	{"testosterone", []string{"J1071", "J3121", "J3145"}, []string{"J1060"}},
}
