"""Synthetic, labelled 项目支出绩效自评表 for measuring the checker: `ziping synth` and `ziping eval --corpus`."""
