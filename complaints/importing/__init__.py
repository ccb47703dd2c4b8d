"""Loading complaints from outside sources (the US CFPB Consumer Complaint Database)."""
