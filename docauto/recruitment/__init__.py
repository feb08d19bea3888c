"""Recruitment of cluster leaders and pedagogical leaders: job profiles, the area chiefs' ad
texts, assessment committees and the demo step. The document kinds themselves are plugins in
docauto.kinds (jobad, committee, forms); the timeline is docauto.recruitment.timeline."""
