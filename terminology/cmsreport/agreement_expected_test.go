package cmsreport_test

// expectedDisagreements is every code on which CMS's change reports and the
// release history disagree, by release, kind and reason. The reasons were
// checked against the files (see docs/cms-change-reports.md):
//
//   - "whitespace only": CMS does not report a change of spaces.
//   - "the short description changed with the long one": CMS gives one type
//     of change per code, and "Long Description Change" (action C) wins.
//   - "corrected without an action": a typo fix (arthrograpy, injeciton,
//     antthrombotic), a "?" for a dash made right (2020-04), or a rewording
//     (G9367, G9637) with ACTION CD N and "No Change" in the report.
//   - "added in unloaded quarter … and terminated": codes that lived and
//     died between two annual files; CMS reports them Discontinued.
//   - "ADD DT … is not after …, yet the … file lacks the code" and "TERM DT
//     … is before …, yet the … file had no TERM DT": a date earlier than
//     the previous file, which did not show it; this report says "No
//     Change".
//   - "code reused": G9890 and G9891 got a new meaning in 2018-04.
//   - J7328 (2018-01): renamed with a payment change, reported as that only.
var expectedDisagreements = []expected{
	{"2018-01", "added", "ours only: ADD DT 2017-01-01 is not after 2017-01, yet the 2017-01 file lacks the code and its report does not list it; this report says \"No Change\"",
		"C1842 G0659"},
	{"2018-01", "added", "ours only: added in unloaded quarter 2017-04 (ADD DT 2017-04-01) and terminated by this release (TERM DT 2017-12-31): CMS gives one type per code and reports it discontinued",
		"C9484 C9485 C9486"},
	{"2018-01", "added", "ours only: added in unloaded quarter 2017-04 (ADD DT 2017-04-01) and terminated by this release (TERM DT 2017-06-30): CMS gives one type per code and reports it discontinued",
		"C9487"},
	{"2018-01", "added", "ours only: added in unloaded quarter 2017-07 (ADD DT 2017-07-01) and terminated by this release (TERM DT 2017-12-31): CMS gives one type per code and reports it discontinued",
		"C9489 C9490 Q9984 Q9985 Q9986 Q9987 Q9988 Q9989"},
	{"2018-01", "added", "ours only: added in unloaded quarter 2017-10 (ADD DT 2017-10-01) and terminated by this release (TERM DT 2017-12-31): CMS gives one type per code and reports it discontinued",
		"C9491 C9494"},
	{"2018-01", "terminated", "ours only: TERM DT 2016-12-31 is before 2017-01, yet the 2017-01 file had no TERM DT and its report says \"No Change\"; this report says \"No Change\"",
		"G0477 G0478 G0479"},
	{"2018-01", "long-description", "ours only: corrected without an action: ACTION CD N, and this report says \"No Change\"",
		"G0259 G0480 G0481 G0482 G0483 G8896 J3060 J7342"},
	{"2018-01", "long-description", "ours only: whitespace only: CMS does not report it",
		"G9226"},
	{"2018-01", "long-description", "ours only: CMS does not report it: ACTION CD P, and this report says \"Payment Change\"",
		"J7328"},
	{"2018-01", "short-description", "ours only: the short description changed with the long one; CMS reports only \"Long Description Change\"",
		"G8442 G8535 G8540 G8808 G8869 G8880 G8939 G8941 G8967 G8968 G8969 G9227 G9263 G9313 G9348 G9504 G9607 G9624 G9637 G9638 G9656 G9758 G9762 G9763 G9764 G9765 G9785 G9786 G9794 G9814 G9815 G9816 G9817 G9840 G9841 G9843 J7321 L3760 L8691 Q4132 Q4133 Q4148 Q4156 Q4158 Q4162 Q4163 Q5 Q6"},
	{"2018-01", "short-description", "ours only: corrected without an action: ACTION CD N, and this report says \"No Change\"",
		"J3010 J3060"},
	{"2018-01", "short-description", "ours only: CMS does not report it: ACTION CD P, and this report says \"Payment Change\"",
		"J7328"},
	{"2018-01", "listed", "ours only: in the ANWEB file (ACTION CD N, TERM DT 2016-12-31) but not listed in the report",
		"L1"},
	{"2019-01", "added", "ours only: added in unloaded quarter 2018-07 (ADD DT 2018-07-01) and terminated by this release (TERM DT 2018-12-31): CMS gives one type per code and reports it discontinued",
		"C9030 C9031 C9032 Q9993 Q9994 Q9995"},
	{"2019-01", "added", "ours only: added in unloaded quarter 2018-10 (ADD DT 2018-10-01) and terminated by this release (TERM DT 2018-12-31): CMS gives one type per code and reports it discontinued",
		"C9033 C9750"},
	{"2019-01", "added", "ours only: added in unloaded quarter 2018-04 (ADD DT 2018-04-01) and terminated by this release (TERM DT 2018-12-31): CMS gives one type per code and reports it discontinued",
		"C9463 C9464 C9465 C9466 C9467 C9468 K0903"},
	{"2019-01", "added", "ours only: added in unloaded quarter 2018-04 (ADD DT 2018-04-01) and terminated by this release (TERM DT 2018-06-30): CMS gives one type per code and reports it discontinued",
		"C9469"},
	{"2019-01", "added", "ours only: ADD DT 2018-01-01 is not after 2018-01, yet the 2018-01 file lacks the code and its report does not list it; this report says \"No Change\"",
		"G9868 G9869 G9870"},
	{"2019-01", "added", "CMS only: code reused: re-added with ADD DT 2018-04-01 (the 2018-01 file has ADD DT 2018-01-01) and a new description: our diff shows description changes",
		"G9890 G9891"},
	{"2019-01", "added", "ours only: added in unloaded quarter 2018-04 (ADD DT 2018-04-01), then changed again: CMS gives one type per code; this report says \"Long Description Chang\"",
		"Q2041"},
	{"2019-01", "added", "CMS only: already in the 2018-01 file ahead of its ADD DT 2018-07-01, and CMS's 2018-01 report listed it as added too",
		"QQ"},
	{"2019-01", "added", "CMS only: already in the 2018-01 file ahead of its ADD DT 2018-04-01, and CMS's 2018-01 report listed it as added too",
		"VM"},
	{"2019-01", "long-description", "ours only: corrected without an action: ACTION CD N, and this report says \"No Change\"",
		"G0279 G8891 G9367 G9368 G9481 G9482 G9483 G9484 G9485 G9486 G9487 G9488 G9489 G9490 G9637 G9638 G9801 G9898"},
	{"2019-01", "long-description", "ours only: code reused: re-added with ADD DT 2018-04-01 (the 2018-01 file has ADD DT 2018-01-01) and a new description; this report says \"ADD\"",
		"G9890 G9891"},
	{"2019-01", "long-description", "CMS only: the code is new since 2018-01 (ADD DT 2018-04-01): our diff reports it as added, which has no description change",
		"Q2041"},
	{"2019-01", "short-description", "ours only: the short description changed with the long one; CMS reports only \"Long Description Chang\"",
		"A9273 E0218 E0483 G8647 G8648 G8649 G8650 G8651 G8652 G8653 G8654 G8655 G8656 G8657 G8658 G8659 G8660 G8661 G8662 G8663 G8664 G8665 G8666 G8667 G8668 G8669 G8670 G8671 G8672 G8673 G8709 G8749 G8806 G9428 G9429 G9431 G9454 G9457 G9509 G9511 G9530 G9531 G9532 G9537 G9573 G9574 G9594 G9596 G9612 G9614 G9625 G9627 G9628 G9630 G9631 G9633 G9649 G9651 G9683 G9727 G9729 G9731 G9733 G9735 G9737 G9739 G9755 G9772 G9773 G9803 G9804 J0834 J7178 J8655 J9041 K0037 Q4133 Q4137 Q5101 QE QF QG V5190 V5200 V5230 V5240"},
	{"2019-01", "short-description", "ours only: corrected without an action: ACTION CD N, and this report says \"No Change\"",
		"G9367 G9368 G9490 G9637 G9638"},
	{"2019-01", "short-description", "ours only: code reused: re-added with ADD DT 2018-04-01 (the 2018-01 file has ADD DT 2018-01-01) and a new description; this report says \"ADD\"",
		"G9890 G9891"},
	{"2020-01", "added", "ours only: ADD DT 2019-01-01 is not after 2019-01, yet the 2019-01 file lacks the code and its report does not list it; this report says \"No Change\"",
		"C1890 G2001 G2002 G2003 G2004 G2005 G2006 G2007 G2008 G2009 G2013 G2014 G2015 J1095 J2186 J2787 Q5111"},
	{"2020-01", "added", "ours only: added in unloaded quarter 2019-04 (ADD DT 2019-04-01) and terminated by this release (TERM DT 2019-09-30): CMS gives one type per code and reports it discontinued",
		"C9040 C9044 C9045"},
	{"2020-01", "added", "ours only: added in unloaded quarter 2019-04 (ADD DT 2019-04-01) and terminated by this release (TERM DT 2019-06-30): CMS gives one type per code and reports it discontinued",
		"C9042 C9141"},
	{"2020-01", "added", "ours only: added in unloaded quarter 2019-04 (ADD DT 2019-04-01) and terminated by this release (TERM DT 2019-12-31): CMS gives one type per code and reports it discontinued",
		"C9043"},
	{"2020-01", "added", "ours only: added in unloaded quarter 2019-07 (ADD DT 2019-07-01) and terminated by this release (TERM DT 2019-09-30): CMS gives one type per code and reports it discontinued",
		"C9048 C9049 C9050 C9051 C9052"},
	{"2020-01", "added", "ours only: ADD DT 2011-01-01 is not after 2019-01, yet the 2019-01 file lacks the code and its report does not list it; this report says \"No Change\"",
		"DA"},
	{"2020-01", "terminated", "ours only: TERM DT 2018-12-31 is before 2019-01, yet the 2019-01 file had no TERM DT and its report says \"ADD\"; this report says \"No Change\"",
		"C9034"},
	{"2020-01", "short-description", "ours only: the short description changed with the long one; CMS reports only \"Long Description Change\"",
		"B4185 G8650 G8662 G8666 G8670 G9349 G9359 G9405 G9469 G9510 G9519 G9520 G9547 G9548 G9549 G9550 G9551 G9595 G9663 G9785 G9786 G9798 G9898 G9901 G9910 G9917 G9938 G9949 J0641 J2794 J7311 J7313 J9201 J9355 M1009 M1010 M1011 M1012 M1013 M1014 M1015 M1043 M1045 M1046 M1049 M1052 Q4122 Q4165 Q4184"},
	{"2020-04", "long-description", "ours only: whitespace only: CMS does not report it",
		"C9754 G0417 G0418 G0419 G0501 G0502 G0503 G9482 G9486 G9488 G9627 G9678 G9986"},
	{"2020-04", "long-description", "ours only: corrected without an action: ACTION CD N, and this report says \"No Change\"",
		"G2136 G2137 G2140 G2141 G2144 G2145 G9448 G9676 G9949 L2006"},
	{"2020-04", "short-description", "ours only: the short description changed with the long one; CMS reports only \"Long Description Change\"",
		"CS"},
	{"2020-07", "long-description", "ours only: whitespace only: CMS does not report it",
		"U0002"},
	{"2020-07", "short-description", "ours only: the short description changed with the long one; CMS reports only \"Long Description Change\"",
		"J7321 J9245 Q4176"},
	{"2020-10", "short-description", "ours only: the short description changed with the long one; CMS reports only \"Long Description Change\"",
		"G2011 J9305 L8701 L8702"},
}
