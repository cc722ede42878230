"""
English dates as the site writes them ("6 November 2024"), where Django's own are American ("Nov. 6, 2024").
Other languages keep Django's (Spanish: "6 de noviembre de 2024"). Templates say `date:"DATE_FORMAT"`.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
